// Tasker as a benchmark target (client side), in two configurations: embedded SQLite in the harness process, and
// PostgreSQL with separate worker processes or, with `--workers 0`, as a library (the harness's engine submits and
// runs the steps). Submits through the public API, one `submitMany` transaction per chunk. The concurrency knob is
// the engine's `concurrency` (steps run at once per process).
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Tasker } from '../../../src/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import { packageVersion } from '../../package-version.js';
import { KEYED_SHAPES, keyOf, shapeFor } from '../../workloads.js';
import type { BenchTarget, ShapeDef, ShapeId, TargetOptions } from '../target.js';
import { BENCH_NAMESPACE, benchTemplate, TASKER_SHAPES } from './bench-templates.js';
import { POOL, sharedEngines, type TaskerWorkerConfig } from './worker.js';

const SUBMIT_CHUNK = 500;
const SCHEMA = 'tasker_bench';

export interface TaskerVariant {
  name: string;
  store: 'sqlite' | 'postgres';
  /** A local queue as graphile-worker's: `prefetch` max(0, 500 − concurrency), so a claim fills 500 slots or more. */
  localQueue?: boolean;
}

/** The engine's `prefetch` in a variant at a concurrency. */
export function prefetchOf(variant: TaskerVariant, concurrency: number): number {
  return variant.localQueue ? Math.max(0, 500 - concurrency) : 0;
}

export class TaskerTarget implements BenchTarget {
  readonly name: string;
  readonly config: string;
  readonly workerModule = fileURLToPath(new URL('./worker.ts', import.meta.url));
  readonly inProcessOnly: boolean;
  readonly libraryMode: boolean;
  readonly extraShapes: readonly ShapeId[] = [...KEYED_SHAPES, 'map'];
  private engine: Tasker | undefined;
  private dir: string | undefined;

  constructor(
    private readonly options: TargetOptions,
    private readonly variant: TaskerVariant,
    readonly concurrency: number,
  ) {
    this.name = variant.name;
    this.inProcessOnly = variant.store === 'sqlite';
    this.libraryMode = variant.store === 'postgres';
    this.config =
      variant.store === 'sqlite'
        ? `embedded SQLite (WAL, synchronous=NORMAL) in the harness process, concurrency ${concurrency}; batched claim/complete, in-process fast path`
        : `PostgreSQL schema ${SCHEMA}, concurrency ${concurrency} per worker process, pool of ${POOL.poolSize} connections, ${POOL.warmConnections} warmed on open; ` +
          'SKIP LOCKED batched claims, ' +
          'set-based completions, LISTEN/NOTIFY wake-ups; ×in-process = library use: the engine that submits runs ' +
          'the steps with its handlers in the harness process (local wake-ups on submit)' +
          (variant.localQueue
            ? `; prefetch ${prefetchOf(variant, concurrency)} (local queue of max(500, c) steps)`
            : '');
  }

  private url(): string {
    if (this.variant.store === 'sqlite') return `sqlite:${join(this.dir!, 'bench.db')}`;
    return `${this.options.postgresUrl}?schema=${SCHEMA}`;
  }

  async setup(): Promise<void> {
    if (this.variant.store === 'sqlite') this.dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
    else await this.dropSchema();
    await this.openEngine();
  }

  async reset(): Promise<void> {
    await this.engine?.close();
    this.engine = undefined;
    if (this.variant.store === 'sqlite') {
      rmSync(this.dir!, { recursive: true, force: true });
      this.dir = mkdtempSync(join(tmpdir(), 'tasker-bench-'));
    } else {
      await this.dropSchema();
    }
    await this.openEngine();
  }

  workerConfig(): TaskerWorkerConfig {
    return this.variant.store === 'sqlite'
      ? { mode: 'shared', key: this.name }
      : {
          mode: 'process',
          url: this.url(),
          concurrency: this.concurrency,
          prefetch: prefetchOf(this.variant, this.concurrency),
          leaseMs: 30_000,
          sharedKey: this.name,
        };
  }

  async submit(shape: ShapeDef, tasks: readonly number[]): Promise<void> {
    const engine = this.engine;
    if (!engine) throw new Error(`${this.name}: submit before setup`);
    // One store transaction per chunk (Tasker.submitMany). Keyed shapes carry their key in `k` (W7N too, unused).
    const keyed = KEYED_SHAPES.includes(shape.id);
    const context = (t: number) => (keyed ? { t, k: keyOf(t, this.options.shapes) } : { t });
    for (let i = 0; i < tasks.length; i += SUBMIT_CHUNK) {
      await engine.submitMany(
        tasks
          .slice(i, i + SUBMIT_CHUNK)
          .map((t) => ({ namespace: BENCH_NAMESPACE, name: shape.id, context: context(t) })),
      );
    }
  }

  async versions(): Promise<Record<string, string>> {
    return {
      tasker: packageVersion('tasker'),
      ...(this.variant.store === 'sqlite'
        ? { 'better-sqlite3': packageVersion('better-sqlite3') }
        : { pg: packageVersion('pg') }),
    };
  }

  async teardown(): Promise<void> {
    await this.engine?.close();
    this.engine = undefined;
    sharedEngines().delete(this.name);
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
    if (this.variant.store === 'postgres') await this.dropSchema();
  }

  /**
   * The harness's engine: it submits, and runs steps only when an in-process worker (SQLite, or PostgreSQL with
   * `--workers 0`) registers the handler and starts it; with worker processes it is never started.
   */
  private async openEngine(): Promise<void> {
    this.engine = await Tasker.open({
      db: this.url(),
      logger: silentLogger(),
      templates: TASKER_SHAPES.map((id) => benchTemplate(this.shapeDef(id))),
      concurrency: this.concurrency,
      prefetch: prefetchOf(this.variant, this.concurrency),
      leaseMs: 30_000,
      drainTimeoutMs: 5_000,
      ...POOL,
      start: false,
    });
    sharedEngines().set(this.name, this.engine);
  }

  private shapeDef(id: ShapeId): ShapeDef {
    // The harness's shape parameters decide chain length and fan-out width.
    return shapeFor(id, this.options.shapes);
  }

  private async dropSchema(): Promise<void> {
    const client = new pg.Client({ connectionString: this.options.postgresUrl });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`);
    } finally {
      await client.end();
    }
  }
}
