// graphile-worker 0.17 as a benchmark peer (client side): its own database, migrations, the join-counter table,
// and submission of root jobs with addJobs. Two configurations: with and without its documented batching (local
// queue, batched completion). The concurrency knob is the runner's `concurrency` (jobs run at once). W7's
// per-key limit of 1 is graphile-worker's named job queue (`queue_name`), one per key; W7N the same without it.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { makeWorkerUtils, runMigrations, type WorkerUtils } from 'graphile-worker';
import { packageVersion } from '../../package-version.js';
import { databaseUrl, dropDatabase, JOIN_TABLE_SQL, recreateDatabase } from '../pg-admin.js';
import { KEYED_SHAPES, keyOf } from '../../workloads.js';
import type { BenchTarget, ShapeDef, TargetOptions } from '../target.js';
import { GRAPHILE_TASK, type GraphileWorkerConfig } from './worker.js';

const SUBMIT_CHUNK = 5_000;
/** PostgreSQL allows 100 connections, shared by every worker process, the harness and other databases. */
const MAX_POOL = 40;
/** The local queue of the performance page; never below the concurrency (each running job holds one of its jobs). */
const LOCAL_QUEUE = 500;

export interface GraphileVariant {
  name: string;
  batching: boolean;
}

export class GraphileTarget implements BenchTarget {
  readonly name: string;
  readonly config: string;
  readonly workerModule = fileURLToPath(new URL('./worker.ts', import.meta.url));
  readonly extraShapes = KEYED_SHAPES;
  private readonly dbName: string;
  private readonly url: string;
  private readonly settings: GraphileWorkerConfig;
  private utils: WorkerUtils | undefined;
  private pool: pg.Pool | undefined;

  constructor(
    private readonly options: TargetOptions,
    variant: GraphileVariant,
    readonly concurrency: number,
  ) {
    this.name = variant.name;
    this.dbName = `bench_${variant.name.replace(/[^a-z0-9]+/g, '_')}`;
    this.url = databaseUrl(options.postgresUrl, this.dbName);
    // After the graphile-worker performance page (concurrentJobs 24, maxPoolSize 25, and for batching a local queue
    // of 500 with batched completion/failure, delay 0), with the concurrency swept: maxPoolSize concurrency + 1 up
    // to MAX_POOL, local queue max(500, concurrency).
    this.settings = {
      connectionString: this.url,
      concurrency,
      maxPoolSize: Math.min(concurrency + 1, MAX_POOL),
      pollInterval: 2_000,
      localQueueSize: variant.batching ? Math.max(LOCAL_QUEUE, concurrency) : -1,
      completeJobBatchDelay: variant.batching ? 0 : -1,
      failJobBatchDelay: variant.batching ? 0 : -1,
    };
    const s = this.settings;
    this.config =
      `concurrency ${s.concurrency}, maxPoolSize ${s.maxPoolSize} (concurrency + 1, at most ${MAX_POOL}), ` +
      (variant.batching
        ? `localQueue.size ${s.localQueueSize} (max(${LOCAL_QUEUE}, concurrency)), completeJobBatchDelay ${s.completeJobBatchDelay}, failJobBatchDelay ${s.failJobBatchDelay}`
        : 'no local queue, unbatched completion') +
      '; LISTEN/NOTIFY wake-ups; successors added by the finishing job, joins released by a counter row';
  }

  async setup(): Promise<void> {
    await recreateDatabase(this.options.postgresUrl, this.dbName);
    await runMigrations({ connectionString: this.url });
    this.pool = new pg.Pool({ connectionString: this.url, max: 8 });
    this.pool.on('error', () => undefined);
    this.pool.on('connect', (client) => client.on('error', () => undefined));
    await this.pool.query(JOIN_TABLE_SQL);
    this.utils = await makeWorkerUtils({ pgPool: this.pool });
  }

  async reset(): Promise<void> {
    const pool = this.requirePool();
    await pool.query('TRUNCATE graphile_worker._private_jobs, graphile_worker._private_job_queues, bench_join');
  }

  workerConfig(): GraphileWorkerConfig {
    return this.settings;
  }

  async submit(shape: ShapeDef, tasks: readonly number[]): Promise<void> {
    const utils = this.utils;
    if (!utils) throw new Error(`${this.name}: submit before setup`);
    const queued = shape.id === 'keyed';
    const spec = (t: number) => {
      if (!queued) return { identifier: GRAPHILE_TASK, payload: { s: shape.id, t, i: 0 } };
      const q = `k${keyOf(t, this.options.shapes)}`;
      return { identifier: GRAPHILE_TASK, payload: { s: shape.id, t, i: 0, q }, queueName: q };
    };
    for (let i = 0; i < tasks.length; i += SUBMIT_CHUNK) {
      await utils.addJobs(tasks.slice(i, i + SUBMIT_CHUNK).map(spec));
    }
  }

  async versions(): Promise<Record<string, string>> {
    return { 'graphile-worker': packageVersion('graphile-worker') };
  }

  async teardown(): Promise<void> {
    try {
      await this.utils?.release();
    } catch {
      /* closing anyway */
    }
    await this.pool?.end().catch(() => undefined);
    this.utils = undefined;
    this.pool = undefined;
    await dropDatabase(this.options.postgresUrl, this.dbName);
  }

  private requirePool(): pg.Pool {
    if (!this.pool) throw new Error(`${this.name}: used before setup`);
    return this.pool;
  }
}
