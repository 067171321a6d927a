// Unit tests of the state machines and the backoff policy.
import { describe, expect, it } from 'vitest';
import {
  assertStepTransition,
  assertTaskTransition,
  canTransitionStep,
  IllegalTransitionError,
  STEP_STATES,
  STEP_TRANSITIONS,
} from '../../src/core/states.js';
import { backoffDelay, retryAfterDelay } from '../../src/engine/backoff.js';
import { RetryableError } from '../../src/core/errors.js';

describe('state machines', () => {
  it('allows the documented step transitions and rejects the rest', () => {
    expect(canTransitionStep('pending', 'running')).toBe(true);
    expect(canTransitionStep('running', 'retrying')).toBe(true);
    expect(canTransitionStep('failed', 'pending')).toBe(true); // operator retry
    expect(() => assertStepTransition('completed', 'running')).toThrow(IllegalTransitionError);
    expect(() => assertStepTransition('pending', 'completed')).toThrow('illegal step transition pending -> completed');
    expect(() => assertTaskTransition('cancelled', 'running')).toThrow('illegal task transition cancelled -> running');
    expect(() => assertTaskTransition('completed', 'failed')).toThrow('illegal task transition completed -> failed');
    // a finished step leaves its state only to run again (rerun from a step); a cancelled one never
    for (const s of ['completed', 'skipped', 'resolved_manually'] as const)
      expect(STEP_TRANSITIONS[s]).toEqual(['pending']);
    expect(STEP_TRANSITIONS.cancelled).toEqual([]);
    for (const from of STEP_STATES) for (const to of STEP_TRANSITIONS[from]) expect(STEP_STATES).toContain(to);
  });
});

describe('backoff', () => {
  const policy = { base: 100, multiplier: 2, max: 1_000, jitter: 0 };
  it('grows exponentially and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 800, 1000]);
  });
  it('jitters downwards only, within the jitter fraction', () => {
    const jittery = { ...policy, jitter: 0.5 };
    expect(backoffDelay(jittery, 2, () => 0)).toBe(200);
    expect(backoffDelay(jittery, 2, () => 1)).toBe(100);
    expect(backoffDelay(jittery, 2, () => 0.5)).toBe(150);
  });
  it('reads retryAfter as seconds with fractions', () => {
    expect(retryAfterDelay(1.5)).toBe(1500);
    expect(retryAfterDelay(0)).toBe(0);
    expect(() => new RetryableError('x', { retryAfter: -1 })).toThrow(/retryAfter/);
  });
});
