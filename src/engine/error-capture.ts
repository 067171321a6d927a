// Turns whatever a handler threw into the persisted StepError (message, class, code, stack excerpt).
import type { StepError } from '../core/store-contract.js';

const STACK_LINES = 6;

export function toStepError(err: unknown): StepError {
  if (err instanceof Error) {
    const code = (err as { errorCode?: unknown }).errorCode ?? (err as { code?: unknown }).code;
    return {
      message: err.message || String(err),
      class: err.name && err.name !== 'Error' ? err.name : (err.constructor?.name ?? 'Error'),
      code: typeof code === 'string' || typeof code === 'number' ? String(code) : null,
      stack: err.stack ? err.stack.split('\n').slice(0, STACK_LINES).join('\n') : null,
    };
  }
  return { message: typeof err === 'string' ? err : safeJson(err), class: typeof err, code: null, stack: null };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
