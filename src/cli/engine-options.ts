// Options shared by the commands that open an engine (run, resume, submit, worker, serve): flag definitions (their
// defaults shown from src/core/defaults.ts, their ranges those of src/engine/options.ts), parsing of numbers,
// template references and contexts, and `Tasker.open` from them.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { LOG_FORMATS, LOG_LEVELS, TASKER_DEFAULTS, type LogFormat, type LogLevel } from '../core/defaults.js';
import { isTaskerError } from '../core/errors.js';
import { Tasker } from '../engine/tasker.js';
import type { TaskerOptions } from '../engine/option-types.js';
import { OPTION_RANGES, resolveTaskerOptions } from '../engine/options.js';
import { storeFailure, UsageError } from './cli-errors.js';
import { addTemplateOptions, templatePathsFrom } from './template-options.js';

export { parseTemplateRef, type TemplateRef } from './template-options.js';

export interface EngineFlags {
  db?: string;
  templates?: string[];
  handlers?: string;
  concurrency?: string;
  prefetch?: string;
  namespaces?: string;
  env?: string;
  logLevel?: string;
  logFormat?: string;
  leaseMs?: string;
  handlersTimeout?: string;
  stepTimeout?: string;
  allowRedefine?: boolean;
  poolSize?: string;
  warmConnections?: string;
}

export function addStoreOption(cmd: Command): Command {
  return cmd.option(
    '--db <url>',
    `store URL: sqlite:path, sqlite::memory: or postgres://… (default: $TASKER_DATABASE_URL, else ${TASKER_DEFAULTS.db})`,
  );
}

/** `--handlers-timeout`: shared by the engine commands and validate. */
export const HANDLERS_TIMEOUT_HELP = `how long the handlers module may take to load (default ${TASKER_DEFAULTS.handlersTimeoutMs})`;

/** `--lease-ms`: shared by the commands that run steps and serve. */
export const LEASE_MS_HELP = `lease held on a claimed step without a heartbeat (default ${TASKER_DEFAULTS.leaseMs})`;

export function addEngineOptions(cmd: Command, { running = true } = {}): Command {
  const stepTimeout = TASKER_DEFAULTS.stepTimeoutMs;
  addTemplateOptions(addStoreOption(cmd))
    .option(
      '--log-level <level>',
      `log level: ${LOG_LEVELS.join(', ')} (default: $TASKER_LOG_LEVEL, else ${TASKER_DEFAULTS.logLevel})`,
    )
    .option(
      '--log-format <format>',
      `log lines on stderr: ${LOG_FORMATS.join(', ')} (default: $TASKER_LOG_FORMAT, else ${TASKER_DEFAULTS.logFormat}: pretty on a terminal, else json)`,
    )
    .option('--handlers-timeout <ms>', HANDLERS_TIMEOUT_HELP)
    .option(
      '--step-timeout <ms>',
      `timeout of steps run here that set none (default: $TASKER_STEP_TIMEOUT_MS, else ${stepTimeout} = ${stepTimeout / 60_000} min)`,
    )
    .option(
      '--pool-size <n>',
      `PostgreSQL: connections this process keeps open at most (default ${TASKER_DEFAULTS.poolSize})`,
    )
    .option(
      '--warm-connections <n>',
      `PostgreSQL: connections readied for the hot path on start, at most --pool-size (default ${TASKER_DEFAULTS.warmConnections}; 0 for commands that run no steps)`,
    )
    .option(
      '--allow-redefine',
      'SQLite only: replace the stored definition of a template changed without a new version (running tasks continue on the new one) instead of refusing it',
    );
  if (running) {
    cmd
      .option('--concurrency <n>', 'steps run at once in this process', String(TASKER_DEFAULTS.concurrency))
      .option('--prefetch <n>', 'steps claimed ahead of free slots, queued here until a slot frees up')
      .option('--namespaces <list>', 'only run steps of tasks in these namespaces (comma-separated)')
      .option('--lease-ms <ms>', LEASE_MS_HELP);
  }
  return cmd;
}

export function parseCount(
  value: string | undefined,
  flag: string,
  { min = 0, max = 100_000 } = {},
): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got '${value}'`);
  const n = Number(value);
  if (n < min || n > max) throw new UsageError(`${flag} must be between ${min} and ${max}, got ${n}`);
  return n;
}

/** The task context from `--context '<json>'` or `--context-file f` (not both); `{}` when neither. */
export function readContext(opts: { context?: string; contextFile?: string }): Record<string, unknown> {
  if (opts.context !== undefined && opts.contextFile !== undefined)
    throw new UsageError('give either --context or --context-file, not both');
  let text: string | undefined = opts.context;
  let where = '--context';
  if (opts.contextFile !== undefined) {
    where = opts.contextFile;
    try {
      text = readFileSync(opts.contextFile, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read --context-file ${opts.contextFile}: ${(err as Error).message}`);
    }
  }
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new UsageError(`${where} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new UsageError(`${where} must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined) return undefined;
  if (!(LOG_LEVELS as readonly string[]).includes(value))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${value}'`);
  return value as LogLevel;
}

function parseLogFormat(value: string | undefined): LogFormat | undefined {
  if (value === undefined) return undefined;
  if (!(LOG_FORMATS as readonly string[]).includes(value))
    throw new UsageError(`--log-format must be one of ${LOG_FORMATS.join(', ')}, got '${value}'`);
  return value as LogFormat;
}

/**
 * The options of `Tasker.open` the flags give (numbers checked against the ranges of resolveTaskerOptions, with
 * messages naming the flag); what they leave out comes from the environment and the defaults when the engine opens.
 */
export function engineOptionsFrom(flags: EngineFlags, extra: Partial<TaskerOptions> = {}): TaskerOptions {
  const concurrency = parseCount(flags.concurrency, '--concurrency', OPTION_RANGES.concurrency);
  const prefetch = parseCount(flags.prefetch, '--prefetch', OPTION_RANGES.prefetch);
  const leaseMs = parseCount(flags.leaseMs, '--lease-ms', OPTION_RANGES.leaseMs);
  const handlersTimeoutMs = parseCount(flags.handlersTimeout, '--handlers-timeout', OPTION_RANGES.handlersTimeoutMs);
  const stepTimeoutMs = parseCount(flags.stepTimeout, '--step-timeout', OPTION_RANGES.stepTimeoutMs);
  const poolSize = parseCount(flags.poolSize, '--pool-size', OPTION_RANGES.poolSize);
  const warmConnections = parseCount(flags.warmConnections, '--warm-connections', OPTION_RANGES.warmConnections);
  if (warmConnections !== undefined && warmConnections > (poolSize ?? TASKER_DEFAULTS.poolSize)) {
    const pool =
      poolSize === undefined ? `the default --pool-size (${TASKER_DEFAULTS.poolSize})` : `--pool-size (${poolSize})`;
    throw new UsageError(`--warm-connections must be at most ${pool}, got ${warmConnections}`);
  }
  const logLevel = parseLogLevel(flags.logLevel);
  const logFormat = parseLogFormat(flags.logFormat);
  return {
    templates: templatePathsFrom(flags),
    ...(flags.db ? { db: flags.db } : {}),
    ...(flags.handlers ? { handlers: flags.handlers } : {}),
    ...(flags.env ? { env: flags.env } : {}),
    ...(logLevel !== undefined ? { logLevel } : {}),
    ...(logFormat !== undefined ? { logFormat } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(prefetch !== undefined ? { prefetch } : {}),
    ...(leaseMs !== undefined ? { leaseMs } : {}),
    ...(handlersTimeoutMs !== undefined ? { handlersTimeoutMs } : {}),
    ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}),
    ...(poolSize !== undefined ? { poolSize } : {}),
    ...(warmConnections !== undefined ? { warmConnections } : {}),
    ...(flags.allowRedefine === true ? { allowRedefine: true } : {}),
    ...(flags.namespaces
      ? {
          namespaces: flags.namespaces
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        }
      : {}),
    ...extra,
  };
}

/** The store a command without an engine (migrate, tasks) opens: --db, else $TASKER_DATABASE_URL, else the default. */
export function storeOptionsFrom(db: string | undefined): { url: string; logLevel: LogLevel; logFormat: LogFormat } {
  const resolved = resolveTaskerOptions(db ? { db } : {});
  return { url: String(resolved.db), logLevel: resolved.logLevel, logFormat: resolved.logFormat };
}

export async function openEngine(flags: EngineFlags, extra: Partial<TaskerOptions> = {}): Promise<Tasker> {
  const options = engineOptionsFrom(flags, extra);
  try {
    return await Tasker.open(options);
  } catch (err) {
    // Bad options, templates or handlers are reported as they are; anything else is the store's failure to open.
    if (isTaskerError(err)) throw err;
    throw storeFailure(err, storeOptionsFrom(typeof options.db === 'string' ? options.db : undefined).url);
  }
}
