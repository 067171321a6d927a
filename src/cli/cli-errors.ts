// How the CLI reports failures: one clear line (plus listed details) on stderr, and the exit code that goes with it.
import { TaskerError } from '../engine/errors.js';

/** A usage problem found after argument parsing (bad flag value, missing template). Exit code 2. */
export class UsageError extends TaskerError {
  override name = 'UsageError';
  constructor(message: string, details?: unknown) {
    super(message, 'usage', details);
  }
}

export function exitCodeFor(err: unknown): number {
  if (err instanceof TaskerError) return 2;
  return 1;
}

export function reportError(err: unknown): void {
  if (err instanceof TaskerError) {
    process.stderr.write(`tasker: ${err.message}\n`);
    const details = err.details;
    if (Array.isArray(details)) {
      for (const d of details) process.stderr.write(`  - ${typeof d === 'string' ? d : JSON.stringify(d)}\n`);
    }
    return;
  }
  const e = err as Error;
  process.stderr.write(`tasker: ${e?.stack ?? String(err)}\n`);
}
