// The adapter contract every benchmark target (a peer queue or Tasker) implements: a client side the harness
// drives (setup/reset/submit/teardown) and a worker module the harness loads in N worker processes.
import type { ShapeDef, ShapeId, ShapeParams } from '../workloads.js';

/**
 * Client side of a target, living in the harness process. The harness measures everything itself (time, step
 * records, RSS); a target only makes tasks exist and runs their steps in its own natural encoding.
 */
export interface BenchTarget {
  /** Short unique name used by `--only` and in results, e.g. `graphile-worker`. Names starting with `tasker` are "ours". */
  readonly name: string;
  /** Human description of the settings in force (concurrency, batching, polling, encoding), printed with results. */
  readonly config: string;
  /**
   * The value of the target's concurrency knob in force (steps or jobs one worker process runs or holds at once);
   * `config` says which setting of the target that knob is. The harness sweeps it with `--concurrency`.
   */
  readonly concurrency: number;
  /** Absolute path of the module worker processes import; it must export `startWorker` (see `WorkerModule`). */
  readonly workerModule: string;
  /** True when workers can only run inside the harness process (e.g. embedded SQLite): `--workers` is then ignored. */
  readonly inProcessOnly?: boolean;
  /**
   * True when `--workers 0` runs the target as a library user would (one engine in the harness process submits and
   * runs the steps with its handlers); without `--workers`, the harness then measures W1–W3 in that mode too.
   */
  readonly libraryMode?: boolean;
  /**
   * Shapes beyond issue 5's four (flat, diamond, chain, fanout) this target encodes, e.g. W7's `keyed`; a workload
   * of any other shape is skipped for this target, with a note.
   */
  readonly extraShapes?: readonly ShapeId[];
  /** Once per target before any run: create the database/schema/queues, run migrations. */
  setup(): Promise<void>;
  /** Before every run, with no worker running: delete every job, task, counter and record of earlier runs. */
  reset(): Promise<void>;
  /** JSON-serialisable settings handed to `startWorker` in each worker process (connection strings, tuning). */
  workerConfig(): unknown;
  /**
   * Make `tasks` (task indexes, unique within a run) of one shape exist and be runnable. Called once with every task
   * for W1/W2/W3/W4/W6, and once per task for W5 (concurrently, without waiting for earlier calls).
   */
  submit(shape: ShapeDef, tasks: readonly number[]): Promise<void>;
  /** Versions worth stating in the report, e.g. `{ 'graphile-worker': '0.17.3' }`. */
  versions(): Promise<Record<string, string>>;
  /** After the last run: stop clients, close pools and connections, drop the target's database or data. */
  teardown(): Promise<void>;
}

/** What the harness hands a worker. Every step execution must be reported through `runStep`. */
export interface WorkerContext {
  /** 0-based index of this worker process, and how many there are (0 processes = running inside the harness). */
  readonly processIndex: number;
  readonly processCount: number;
  /** The value of `BenchTarget.workerConfig()`. */
  readonly config: unknown;
  /** Shape definitions for this run (chain length, fan-out width), identical to the harness's. */
  shape(id: ShapeId): ShapeDef;
  /**
   * Execute the body of step `step` of task `task` (a no-op) and record (task, step, start, end). Call it from the
   * step handler, before enqueueing or releasing any successor: the recorded end is the step's completion.
   */
  runStep(shape: ShapeId, task: number, step: number): void;
}

/** A started worker: `stop` must stop fetching, finish or abandon in-flight work, and close every connection. */
export interface RunningWorker {
  stop(): Promise<void>;
}

/** The module named by `BenchTarget.workerModule`. */
export interface WorkerModule {
  startWorker(ctx: WorkerContext): Promise<RunningWorker>;
}

/**
 * A factory the registry calls with the harness options and one value of the concurrency sweep; construction must
 * not connect to anything yet.
 */
export type TargetFactory = (options: TargetOptions, concurrency: number) => BenchTarget;

export interface TargetOptions {
  /** Admin connection to PostgreSQL; targets create their own database through it. */
  readonly postgresUrl: string;
  readonly redisHost: string;
  readonly redisPort: number;
  /** Redis database index reserved for the benchmark; targets flush only this one. */
  readonly redisDb: number;
  /** Parameters of the shapes in this bench invocation. */
  readonly shapes: ShapeParams;
}

export type { ShapeDef, ShapeId, ShapeParams };
