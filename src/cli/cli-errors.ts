// How the CLI reports failures: one pointed line on stderr (plus listed details), the stack only with --verbose,
// and the exit code that goes with it (2 for Tasker's own refusals, 1 otherwise).
import { isTaskerError, TaskerError } from '../core/errors.js';

/** A usage problem found after argument parsing (bad flag value, missing template). Exit code 2. */
export class UsageError extends TaskerError {
  override name = 'UsageError';
  constructor(message: string, details?: unknown) {
    super(message, 'usage', details);
  }
}

/** A failure outside Tasker's own checks, already worded for the user (a store that cannot be opened). Exit 1. */
export class CliFailure extends Error {
  override name = 'CliFailure';
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

export function exitCodeFor(err: unknown): number {
  if (isTaskerError(err)) return 2;
  return 1;
}

/** A store URL with its password hidden. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

/** An error's message on one line; an AggregateError without one (e.g. every address refused) lists its errors. */
function messageOf(err: Error): string {
  const inner =
    err instanceof AggregateError && !err.message
      ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e)))
      : [];
  const text = inner.length ? [...new Set(inner)].join('; ') : err.message || String(err);
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * An error from opening a store — store drivers' errors carry a string `code` (ECONNREFUSED, 28P01,
 * SQLITE_CANTOPEN) — as a CliFailure naming the store; anything else unchanged.
 */
export function storeFailure(err: unknown, url: string): unknown {
  if (isTaskerError(err) || !(err instanceof Error) || typeof (err as { code?: unknown }).code !== 'string') return err;
  return new CliFailure(`cannot open the store ${redactUrl(url)}: ${messageOf(err)}`, err);
}

export function reportError(err: unknown, { verbose = false }: { verbose?: boolean } = {}): void {
  if (isTaskerError(err)) {
    process.stderr.write(`tasker: ${err.message}\n`);
    const details = err.details;
    if (Array.isArray(details)) {
      for (const d of details) process.stderr.write(`  - ${typeof d === 'string' ? d : JSON.stringify(d)}\n`);
    }
  } else if (err instanceof CliFailure) {
    process.stderr.write(`tasker: ${err.message}\n`);
  } else if (err instanceof Error) {
    const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
    process.stderr.write(`tasker: ${name}${messageOf(err)}${verbose ? '' : ' (--verbose prints the stack)'}\n`);
  } else {
    process.stderr.write(`tasker: ${String(err)}\n`);
  }
  if (verbose) writeStacks(err);
}

/** The error's stack and those of its causes. */
function writeStacks(err: unknown): void {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e.stack) process.stderr.write(`${depth ? 'caused by: ' : ''}${e.stack}\n`);
  }
}
