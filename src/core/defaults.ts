// The default of every option of `Tasker.open` and of the CLI flags behind them, in one table. Nothing else states
// these values: the engine, the store factory, the logger, the template validator and the CLI's help text read them
// here. The environment variables that override some of them are in environment.ts; the checks of every option and
// the order "option, else environment, else default" are in src/engine/options.ts (resolveTaskerOptions).

/** The levels of `logLevel` (pino's, from most to least severe; `silent` logs nothing). */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The forms of `logFormat`: JSON lines, human-readable lines, or `auto` (pretty when stderr is a terminal). */
export const LOG_FORMATS = ['json', 'pretty', 'auto'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const TASKER_DEFAULTS = Object.freeze({
  /** The store when neither `db` nor TASKER_DATABASE_URL names one: an embedded SQLite file. */
  db: 'sqlite:.tasker/tasker.db',
  /** Steps run at once in a process (0 runs none: submit and API only). */
  concurrency: 10,
  /** Steps claimed ahead of free slots, held in a local queue (0: none). */
  prefetch: 0,
  /** How long a claim is held without a heartbeat before other workers may take it back. */
  leaseMs: 30_000,
  /** Fallback poll for work when no wake-up arrives (an idle worker costs about one query per second). */
  pollIntervalMs: 1_000,
  /** How long stop/close waits for in-flight steps before releasing them. */
  drainTimeoutMs: 30_000,
  /** Timeout of a step with no `timeout` of its own and no `default_step_timeout` in its template: 15 minutes. */
  stepTimeoutMs: 15 * 60_000,
  /** How long a handlers module may take to load. */
  handlersTimeoutMs: 30_000,
  /** The most items one `map` step fans out over; a longer list fails the step. */
  maxMapItems: 10_000,
  /** Failed attempts (warn) and failed steps and tasks (error) are logged; progress (info) is not. */
  logLevel: 'warn' as LogLevel,
  /** Human-readable lines on a terminal, JSON lines otherwise (a file, a pipe, a log collector). */
  logFormat: 'auto' as LogFormat,
  /**
   * The retention policy (`retention`, off unless cutoffs are given): a pass every `intervalMs` (jittered from half
   * to one and a half times it), deleting `batchSize` tasks per transaction; `tasker prune` uses the same batch size.
   */
  retention: Object.freeze({ intervalMs: 600_000, batchSize: 500 }),
  /**
   * A template whose definition changed under the same version is refused (the store keeps the first one); true
   * replaces the stored one instead (embedded SQLite only).
   */
  allowRedefine: false,
  /** PostgreSQL: the most connections a process's pool keeps open (ignored by SQLite). */
  poolSize: 10,
  /**
   * PostgreSQL: connections opened and readied for the hot path on open (its statements rehearsed), at most the pool
   * size; the rest open cold when first needed (ignored by SQLite).
   */
  warmConnections: 3,
  /** Deepest nesting of sub-workflows (a child of a child …): a step whose child would be deeper fails for good. */
  maxSubtaskDepth: 10,
  /** Retry backoff: `base · multiplier^(attempt-1)` ms, capped at `max`, with up to `jitter` of it taken off. */
  retry: Object.freeze({ base: 1_000, multiplier: 2, max: 60_000, jitter: 0.2 }),
});
