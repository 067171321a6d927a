// `trace(name, fn)`: the seed's custom-span helper. Runs `fn` inside a new span, a child of the active span (in a step
// handler: its `tasker.step` span), ended when `fn` returns or its promise settles, marked ERROR with the exception
// when it throws or rejects. Without a registered SDK the span records nothing and `fn` simply runs.
import type { Span } from '@opentelemetry/api';
import { recordFailure, taskerTracer } from './tracing.js';

export function trace<T>(name: string, fn: (span: Span) => T): T {
  if (typeof name !== 'string' || name === '') throw new TypeError('trace(name, fn): name must be a non-empty string');
  if (typeof fn !== 'function') throw new TypeError(`trace('${name}', fn): fn must be a function`);
  return taskerTracer().startActiveSpan(name, (span): T => {
    let out: T;
    try {
      out = fn(span);
    } catch (err) {
      recordFailure(span, err);
      span.end();
      throw err;
    }
    if (out !== null && typeof out === 'object' && typeof (out as { then?: unknown }).then === 'function') {
      return (out as unknown as PromiseLike<unknown>).then(
        (value) => {
          span.end();
          return value;
        },
        (err: unknown) => {
          recordFailure(span, err);
          span.end();
          throw err;
        },
      ) as T;
    }
    span.end();
    return out;
  });
}
