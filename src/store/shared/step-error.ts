// Persisted step errors are excerpts: a bounded message and a few stack lines, never a whole stack. They are
// diagnostics, so text that could not be stored as is (an unpaired UTF-16 surrogate, which PostgreSQL's jsonb refuses
// and which a clip could also create by cutting a pair) becomes U+FFFD rather than losing the error.
import type { StepError } from '../../core/store-contract.js';

export const MAX_ERROR_MESSAGE_CHARS = 2000;
export const MAX_STACK_LINES = 8;
export const MAX_STACK_CHARS = 2000;

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Clip to `max` UTF-16 units, then replace unpaired surrogates (from the input or from the cut) with U+FFFD. */
function clip(text: string, max: number): string {
  const clipped = text.length <= max ? text : `${text.slice(0, max - 1)}…`;
  return clipped.replace(LONE_SURROGATE, '\ufffd');
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
    class: clip(String(error.class || 'Error'), 200),
    code: error.code == null ? null : clip(String(error.code), 200),
    stack: stackExcerpt(error.stack),
  };
}
