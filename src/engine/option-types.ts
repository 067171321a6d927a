// The options of `Tasker.open` as a caller writes them (TaskerOptions, RetentionOptions: every field documented,
// with its default) and as the resolver hands them on, every default filled in and every value checked
// (ResolvedTaskerOptions). Resolution — environment, defaults, ranges, checks — is options.ts.
import type { LogFormat, LogLevel } from '../core/defaults.js';
import type { Store } from '../core/store-contract.js';
import type { HandlerEntry } from '../definition/handler-registry.js';
import type { RetryPolicy, TaskTemplate } from '../definition/model.js';
import type { Logger } from '../telemetry/logger.js';
import type { RetentionPolicy } from './retention-keeper.js';

/**
 * The retention policy of `Tasker.open`: prune finished tasks older than these ages while the engine runs steps
 * (retention-keeper.ts). Ages are durations (`30d`, `12h`) or milliseconds; a class left out is kept.
 */
export interface RetentionOptions {
  /** Completed (and resolved_manually) tasks older than this. */
  completed?: string | number;
  failed?: string | number;
  cancelled?: string | number;
  /** A pass about this often (jittered from half to one and a half times it). Default 10 min. */
  intervalMs?: number;
  /** Tasks deleted per transaction. Default 500. */
  batchSize?: number;
}

export interface TaskerOptions {
  /** Store URL (`sqlite:path`, `sqlite::memory:`, `postgres://…`) or an opened store. Default: TASKER_DATABASE_URL or `sqlite:.tasker/tasker.db`. */
  db?: string | Store;
  /** PostgreSQL schema (default `tasker`, or the URL's `?schema=`). */
  schema?: string;
  /** PostgreSQL: the most connections this process keeps open to the store (default 10); ignored by SQLite. */
  poolSize?: number;
  /**
   * PostgreSQL: connections opened on open and readied for the hot path — the statements of a submit, a claim and a
   * completion rehearsed in a transaction rolled back — so the first requests after a start do not meet a cold
   * connection (a cold one's first completion takes several milliseconds more). Default 3, or the pool size when
   * smaller; the pool size readies every connection (a worker that must answer fast from its first second), 0 none
   * (a one-shot command). At most `poolSize`. Ignored by SQLite.
   */
  warmConnections?: number;
  /** Template files/directories to load, or templates built with `defineTask`. */
  templates?: Array<string | TaskTemplate>;
  /** A handlers module path, or a map of handler class names to classes/functions. */
  handlers?: string | Record<string, HandlerEntry>;
  subscribers?: unknown[];
  /** Steps run at once in this process; 0 runs none here (submit/API only). Default 10. */
  concurrency?: number;
  /**
   * Steps claimed ahead of free slots and kept in a local queue (their leases kept alive), so that at a low
   * concurrency a worker still claims and completes in large batches. They start as slots free up; a queued step
   * another worker could have run waits for this one. Default 0 (claim only for free slots).
   */
  prefetch?: number;
  /** How long a claim is held without a heartbeat before other workers may take it back. Default 30 s. */
  leaseMs?: number;
  /** Fallback poll for work when no wake-up arrives. Default 1 s (an idle worker costs ~1 query/s). */
  pollIntervalMs?: number;
  /** Only run steps of tasks in these namespaces. */
  namespaces?: string[] | null;
  /**
   * Timeout of a step with no `timeout` of its own and no `default_step_timeout` in its template. Default:
   * TASKER_STEP_TIMEOUT_MS, else 15 min.
   */
  stepTimeoutMs?: number;
  /**
   * How long loading a handlers module (path) may take before `open` rejects (code `handlers_timeout`). Default 30 s.
   * The module's own code cannot be stopped: whatever it started keeps running in this process.
   */
  handlersTimeoutMs?: number;
  /** The most items one `map` step fans out over; a longer list fails the step (`map_too_large`). Default 10000. */
  maxMapItems?: number;
  /** Deepest nesting of sub-workflows; a step whose child would be deeper fails for good. Default 10. */
  maxSubtaskDepth?: number;
  /** Global retry backoff; a step's `retry` overrides it. */
  retry?: Partial<RetryPolicy>;
  /** Environment for template overrides (default TASKER_ENV / NODE_ENV). */
  env?: string;
  /** Level of the logger Tasker makes when `logger` is not given. Default TASKER_LOG_LEVEL, else `warn`. */
  logLevel?: LogLevel;
  /**
   * Form of the lines of the logger Tasker makes when `logger` is not given: `json`, `pretty` (human-readable), or
   * `auto`, pretty when stderr is a terminal and JSON otherwise. Default TASKER_LOG_FORMAT, else `auto`.
   */
  logFormat?: LogFormat;
  logger?: Logger;
  workerId?: string;
  /** How long stop/close waits for in-flight steps before releasing them. Default 30 s. */
  drainTimeoutMs?: number;
  /** Start running steps on open (default true when concurrency > 0). */
  start?: boolean;
  /**
   * Tick the cron schedules of the registered templates while running steps (default true; `tasker run` and
   * `tasker resume` pass false). Every process that ticks shares the work: each tick creates one task.
   */
  schedules?: boolean;
  /**
   * Bring the store's schema up to date on open (default true). False refuses an older or missing schema at once
   * (StoreSchemaError naming both versions) and changes nothing: `tasker migrate` upgrades it.
   */
  migrate?: boolean;
  /** Prune finished tasks past these ages while running steps. Default: none (keep everything). */
  retention?: RetentionOptions;
  /**
   * Replace a template's stored definition when its content changed but its version did not, instead of refusing it
   * (default false). For a developer's loop on the embedded SQLite store: tasks already running continue on the new
   * definition (their steps and handler classes, written at creation, stay). Refused on PostgreSQL (many processes
   * share it).
   */
  allowRedefine?: boolean;
}

/** The options with every default filled in and every value checked. */
export interface ResolvedTaskerOptions {
  db: string | Store;
  schema: string | undefined;
  poolSize: number;
  warmConnections: number;
  templates: Array<string | TaskTemplate>;
  handlers: string | Record<string, HandlerEntry> | undefined;
  subscribers: unknown[];
  concurrency: number;
  prefetch: number;
  leaseMs: number;
  pollIntervalMs: number;
  drainTimeoutMs: number;
  stepTimeoutMs: number;
  /** Where `stepTimeoutMs` came from: a step cut off by the built-in default says so in its error. */
  stepTimeoutFrom: 'option' | 'environment' | 'default';
  handlersTimeoutMs: number;
  maxMapItems: number;
  maxSubtaskDepth: number;
  retry: RetryPolicy;
  env: string | undefined;
  logLevel: LogLevel;
  logFormat: LogFormat;
  logger: Logger | undefined;
  namespaces: string[] | null;
  workerId: string | undefined;
  start: boolean;
  schedules: boolean;
  migrate: boolean;
  retention: RetentionPolicy | null;
  allowRedefine: boolean;
}
