// Options shared by the commands that open an engine (run, resume, submit, worker, serve): flag definitions,
// parsing of numbers, template references and contexts, and `Tasker.open` from them.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Tasker, type TaskerOptions } from '../engine/tasker.js';
import { createLogger } from '../telemetry/logger.js';
import { storeFailure, UsageError } from './cli-errors.js';
import { DEFAULT_HANDLERS_TIMEOUT_MS } from '../definition/handler-module.js';
import { MAX_TIMEOUT_MS } from '../definition/model.js';
import { defaultStoreUrl } from '../store/open-store.js';
import { addTemplateOptions, templatePathsFrom } from './template-options.js';

export { parseTemplateRef, type TemplateRef } from './template-options.js';

export interface EngineFlags {
  db?: string;
  templates?: string[];
  handlers?: string;
  concurrency?: string;
  namespaces?: string;
  env?: string;
  logLevel?: string;
  leaseMs?: string;
  handlersTimeout?: string;
  stepTimeout?: string;
}

export const STEP_TIMEOUT_ENV = 'TASKER_STEP_TIMEOUT_MS';

export function addStoreOption(cmd: Command): Command {
  return cmd.option(
    '--db <url>',
    'store URL: sqlite:path, sqlite::memory: or postgres://… (default: $TASKER_DATABASE_URL or sqlite:.tasker/tasker.db)',
  );
}

export function addEngineOptions(cmd: Command, { running = true } = {}): Command {
  addTemplateOptions(addStoreOption(cmd))
    .option('--log-level <level>', 'log level: fatal, error, warn, info, debug, trace, silent')
    .option(
      '--handlers-timeout <ms>',
      `how long the handlers module may take to load (default ${DEFAULT_HANDLERS_TIMEOUT_MS})`,
    )
    .option(
      '--step-timeout <ms>',
      `timeout of steps run here that set none (default: $${STEP_TIMEOUT_ENV}, else 900000 = 15 min)`,
    );
  if (running) {
    cmd
      .option('--concurrency <n>', 'steps run at once in this process', '10')
      .option('--namespaces <list>', 'only run steps of tasks in these namespaces (comma-separated)')
      .option('--lease-ms <ms>', 'lease held on a claimed step without a heartbeat (default 30000)');
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

/** `--step-timeout`, else $TASKER_STEP_TIMEOUT_MS, as milliseconds; undefined when neither is set. */
export function stepTimeoutFrom(flags: EngineFlags): number | undefined {
  const range = { min: 1, max: MAX_TIMEOUT_MS };
  if (flags.stepTimeout !== undefined) return parseCount(flags.stepTimeout, '--step-timeout', range);
  const env = process.env[STEP_TIMEOUT_ENV];
  return env === undefined || env.trim() === '' ? undefined : parseCount(env.trim(), `$${STEP_TIMEOUT_ENV}`, range);
}

export async function openEngine(flags: EngineFlags, extra: Partial<TaskerOptions> = {}): Promise<Tasker> {
  const concurrency = parseCount(flags.concurrency, '--concurrency', { min: 0, max: 10_000 });
  const leaseMs = parseCount(flags.leaseMs, '--lease-ms', { min: 100, max: 3_600_000 });
  const handlersTimeoutMs = parseCount(flags.handlersTimeout, '--handlers-timeout', { min: 1, max: MAX_TIMEOUT_MS });
  const stepTimeoutMs = stepTimeoutFrom(flags);
  const level = (flags.logLevel ?? process.env.TASKER_LOG_LEVEL ?? 'warn') as 'warn';
  const options: TaskerOptions = {
    templates: templatePathsFrom(flags),
    logger: createLogger({ level }),
    ...(flags.db ? { db: flags.db } : {}),
    ...(flags.handlers ? { handlers: flags.handlers } : {}),
    ...(flags.env ? { env: flags.env } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(leaseMs !== undefined ? { leaseMs } : {}),
    ...(handlersTimeoutMs !== undefined ? { handlersTimeoutMs } : {}),
    ...(stepTimeoutMs !== undefined ? { stepTimeoutMs } : {}),
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
  try {
    return await Tasker.open(options);
  } catch (err) {
    throw storeFailure(err, typeof options.db === 'string' ? options.db : defaultStoreUrl());
  }
}
