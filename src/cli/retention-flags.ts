// The `--retention` flag of the commands that run steps (worker, serve): `completed=30d,failed=90d,cancelled=7d`,
// optionally with `interval=10m` and `batch=500`, read into the `retention` option of Tasker.open with errors naming
// the flag and the key. What each key means: docs/flow-control.md#retention.
import type { Command } from 'commander';
import { durationMs, formatDuration } from '../core/duration.js';
import { TASKER_DEFAULTS } from '../core/defaults.js';
import { RETENTION_CLASS_NAMES } from '../core/store-contract.js';
import type { RetentionOptions } from '../engine/option-types.js';
import { RETENTION_RANGES } from '../engine/options.js';
import { UsageError } from './cli-errors.js';

const KEYS = [...RETENTION_CLASS_NAMES, 'interval', 'batch'];

export function addRetentionOption(cmd: Command): Command {
  const { intervalMs, batchSize } = TASKER_DEFAULTS.retention;
  return cmd.option(
    '--retention <policy>',
    'prune finished tasks older than these ages while running: completed=30d,failed=90d,cancelled=7d ' +
      `(a class left out is kept; interval=${formatDuration(intervalMs)} and batch=${batchSize} are the defaults)`,
  );
}

/** `completed=30d,failed=90d,interval=1h` as the retention option; UsageError naming the flag and the key. */
export function parseRetention(text: string): RetentionOptions {
  const out: RetentionOptions = {};
  for (const part of text.split(',')) {
    const at = part.indexOf('=');
    const key = (at < 0 ? part : part.slice(0, at)).trim();
    const value = at < 0 ? '' : part.slice(at + 1).trim();
    if (!KEYS.includes(key)) throw new UsageError(`--retention: unknown key '${key}' (keys: ${KEYS.join(', ')})`);
    if (value === '') throw new UsageError(`--retention: ${key} needs a value (${key}=...)`);
    if (key === 'batch') {
      const { min, max } = RETENTION_RANGES.batchSize;
      const n = /^\d+$/.test(value) ? Number(value) : NaN;
      if (!(n >= min && n <= max))
        throw new UsageError(`--retention: batch must be a whole number from ${min} to ${max}, got '${value}'`);
      out.batchSize = n;
      continue;
    }
    const ms = durationMs(value);
    if (ms === null)
      throw new UsageError(`--retention: ${key} must be a duration such as 30d, 12h or 90m, got '${value}'`);
    if (key === 'interval') {
      const { min, max } = RETENTION_RANGES.intervalMs;
      if (ms < min || ms > max)
        throw new UsageError(
          `--retention: interval must be from ${formatDuration(min)} to ${formatDuration(max)}, got '${value}'`,
        );
      out.intervalMs = ms;
    } else out[key as (typeof RETENTION_CLASS_NAMES)[number]] = ms;
  }
  if (!RETENTION_CLASS_NAMES.some((c) => out[c] !== undefined))
    throw new UsageError(
      `--retention needs at least one of ${RETENTION_CLASS_NAMES.map((c) => `${c}=AGE`).join(', ')}`,
    );
  return out;
}
