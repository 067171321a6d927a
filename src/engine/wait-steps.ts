// Durable waits (`wait_for`): a step with no handler that waits for a named signal (with an optional timeout) or a
// timer (`duration`, or `until` a time a value reference gives). Each claim of such a step asks the store what
// happened (`beginWait`, one transaction): a signal to take (the step completes with its payload), a deadline passed
// (a timer completes; a signal wait fails with `error.code = "timeout"`, then its retry policy applies), or nothing
// yet — then the step parks, holding no lease and no worker slot, ready again at its deadline or when its signal
// arrives. A retried wait starts a new wait (a fresh timeout); a wake-up of the same wait keeps its first deadline.
import type { BeginWaitRequest, Store } from '../core/store-contract.js';
import { PermanentError, RetryableError } from '../core/errors.js';
import type { WaitSpec } from '../definition/model.js';
import { formatDuration } from '../core/duration.js';
import { parseValueRef, resolveValueRef } from '../definition/value-ref.js';
import { failureOutcome, type Execution, type RunnableStep } from './step-execution.js';

/** What a timer's step completes with. */
export interface TimerResults {
  waited_until: string;
}

/** A wait step's attempt: decide with the store, then complete, fail, or park. */
export async function runWaitStep(store: Store, workerId: string, r: RunnableStep): Promise<Execution> {
  const started = performance.now();
  const c = r.claimed;
  const spec = r.step.template.wait_for as WaitSpec;
  const base = { step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
  const elapsed = () => performance.now() - started;
  let deadline: BeginWaitRequest['deadline'];
  try {
    deadline = deadlineOf(spec, r);
  } catch (err) {
    return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
  }
  const d = await store.dynamic.beginWait({
    ...base,
    workerId,
    run: c.task.run,
    signal: spec.signal ?? null,
    deadline,
  });
  switch (d.kind) {
    case 'stale':
      return { kind: 'dropped', cause: 'lease_lost', durationMs: elapsed() };
    case 'signal':
      return {
        kind: 'outcome',
        outcome: { type: 'completed', ...base, results: d.payload },
        error: null,
        durationMs: 0,
      };
    case 'due': {
      if (spec.signal === undefined) {
        const results: TimerResults = { waited_until: new Date(d.until).toISOString() };
        return { kind: 'outcome', outcome: { type: 'completed', ...base, results }, error: null, durationMs: 0 };
      }
      const limit = spec.timeout !== undefined ? ` (timeout ${formatDuration(spec.timeout)})` : '';
      const err = new RetryableError(
        `no signal '${spec.signal}' arrived before ${new Date(d.until).toISOString()}${limit}`,
        {
          errorCode: 'timeout',
        },
      );
      return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
    }
    case 'wait':
      return {
        kind: 'outcome',
        outcome: {
          type: 'park',
          ...base,
          wait: spec.signal !== undefined ? 'signal' : 'timer',
          untilMs: d.until,
          signal: spec.signal ?? null,
        },
        error: null,
        durationMs: 0,
      };
  }
}

/** The deadline a new wait gets: a signal's timeout, a timer's duration, or the time `until` names. */
function deadlineOf(spec: WaitSpec, r: RunnableStep): BeginWaitRequest['deadline'] {
  if (spec.signal !== undefined) return spec.timeout !== undefined ? { after_ms: spec.timeout } : null;
  if (spec.duration !== undefined) return { after_ms: spec.duration };
  const ref = parseValueRef(spec.until as string);
  if ('error' in ref) throw new PermanentError(ref.error, { errorCode: 'invalid_wait' });
  const value = resolveValueRef(ref, r.task.context, (name) => r.ancestors.find((a) => a.name === name)?.results);
  const at = toEpochMs(value);
  if (at === null) {
    throw new PermanentError(
      `wait_for.until: ${ref.text} is ${value === undefined ? 'missing' : JSON.stringify(value)}; expected an ISO 8601 time or epoch milliseconds`,
      { errorCode: 'invalid_wait' },
    );
  }
  return { at_ms: at };
}

function toEpochMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}
