// Persisted step errors are excerpts: a bounded message and a few stack lines, never a whole stack.
import type { StepError } from '../store.js';

export const MAX_ERROR_MESSAGE_CHARS = 2000;
export const MAX_STACK_LINES = 8;
export const MAX_STACK_CHARS = 2000;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** A stack trimmed to its first few lines (the message line of `Error.stack` is kept out: it repeats the message). */
export function stackExcerpt(stack: string | null | undefined): string | null {
  if (!stack) return null;
  const lines = stack.split('\n');
  const frames = lines.filter((line) => /^\s+at /.test(line));
  const chosen = (frames.length > 0 ? frames : lines).slice(0, MAX_STACK_LINES).map((l) => l.trimEnd());
  return clip(chosen.join('\n'), MAX_STACK_CHARS);
}

/** Normalise an error for storage: required fields present, message and stack bounded. */
export function excerptStepError(error: StepError): StepError {
  return {
    message: clip(String(error.message ?? ''), MAX_ERROR_MESSAGE_CHARS),
    class: String(error.class || 'Error'),
    code: error.code ?? null,
    stack: stackExcerpt(error.stack),
  };
}
