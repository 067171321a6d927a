// pg-boss 10 as a benchmark peer (client side): its own database and schema, one queue, the join-counter table,
// and submission of root jobs (insert for batches, send for single tasks). The concurrency knob is `batchSize`: four
// work() loops per process each fetch and hold up to ⌈concurrency / 4⌉ jobs, so a process holds about
// `concurrency` jobs at once (a loop runs its batch's jobs one after the other).
import { fileURLToPath } from 'node:url';
import PgBoss from 'pg-boss';
import { packageVersion } from '../../package-version.js';
import { databaseUrl, dropDatabase, JOIN_TABLE_SQL, recreateDatabase } from '../pg-admin.js';
import type { BenchTarget, ShapeDef, TargetOptions } from '../target.js';
import { PGBOSS_QUEUE, type PgBossWorkerConfig } from './worker.js';

const DB_NAME = 'bench_pgboss';
const SUBMIT_CHUNK = 5_000;
const LOOPS_PER_PROCESS = 4;

/** Options shared by every PgBoss instance of the bench: no cron, no maintenance (irrelevant within a run). */
export function bossOptions(connectionString: string, max: number): PgBoss.ConstructorOptions {
  return { connectionString, max, schedule: false, supervise: false };
}

export class PgBossTarget implements BenchTarget {
  readonly name = 'pg-boss';
  readonly config: string;
  readonly workerModule = fileURLToPath(new URL('./worker.ts', import.meta.url));
  private readonly url: string;
  private readonly settings: PgBossWorkerConfig;
  private boss: PgBoss | undefined;

  constructor(
    private readonly options: TargetOptions,
    readonly concurrency: number,
  ) {
    this.url = databaseUrl(options.postgresUrl, DB_NAME);
    this.settings = {
      connectionString: this.url,
      workersPerProcess: LOOPS_PER_PROCESS,
      batchSize: Math.ceil(concurrency / LOOPS_PER_PROCESS),
      pollingIntervalSeconds: 0.5,
      poolSize: 10,
    };
    const s = this.settings;
    this.config =
      `${s.workersPerProcess} work() workers per process, batchSize ${s.batchSize} (⌈concurrency ${concurrency} / ${s.workersPerProcess}⌉), ` +
      `pollingIntervalSeconds ${s.pollingIntervalSeconds} (the minimum), pool max ${s.poolSize}; ` +
      'v10 has no LISTEN/NOTIFY: in-process notifyWorker() of idle loops (one per batchSize jobs sent) and of itself after a full batch; ' +
      'successors sent with insert() by the finishing batch, joins released by a counter row';
  }

  async setup(): Promise<void> {
    await recreateDatabase(this.options.postgresUrl, DB_NAME);
    const boss = new PgBoss(bossOptions(this.url, 8));
    boss.on('error', (err: Error) => process.stderr.write(`pg-boss (client): ${err.message}\n`));
    await boss.start();
    this.boss = boss;
    await boss.createQueue(PGBOSS_QUEUE);
    await boss.getDb().executeSql(JOIN_TABLE_SQL, []);
  }

  async reset(): Promise<void> {
    const boss = this.requireBoss();
    await boss.clearStorage();
    await boss.getDb().executeSql('TRUNCATE bench_join', []);
  }

  workerConfig(): PgBossWorkerConfig {
    return this.settings;
  }

  async submit(shape: ShapeDef, tasks: readonly number[]): Promise<void> {
    const boss = this.requireBoss();
    if (tasks.length === 1) {
      await boss.send(PGBOSS_QUEUE, { s: shape.id, t: tasks[0]!, i: 0 });
      return;
    }
    for (let i = 0; i < tasks.length; i += SUBMIT_CHUNK) {
      await boss.insert(
        tasks.slice(i, i + SUBMIT_CHUNK).map((t) => ({ name: PGBOSS_QUEUE, data: { s: shape.id, t, i: 0 } })),
      );
    }
  }

  async versions(): Promise<Record<string, string>> {
    return { 'pg-boss': packageVersion('pg-boss') };
  }

  async teardown(): Promise<void> {
    await this.boss?.stop({ graceful: false, timeout: 1_000 }).catch(() => undefined);
    this.boss = undefined;
    await dropDatabase(this.options.postgresUrl, DB_NAME);
  }

  private requireBoss(): PgBoss {
    if (!this.boss) throw new Error('pg-boss: used before setup');
    return this.boss;
  }
}
