// Rate limits through the library on SQLite: a template declaring `api: { limit: 5, period: 1s, burst: 0 }` and a
// step using it runs 25 tasks, and the stored history's 'claimed' times (the store's clock) never put more than
// limit + burst starts in any half-open window of one period; a handler throwing RateLimitedError does not spend an
// attempt (retry_limit 1, thrown twice, then the task completes); a keyed use refuses a request lacking its field;
// the limits reach the store when the engine starts, and an operator's limit overrides them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { RateLimitedError } from '../../src/core/errors.js';
import { defineTask } from '../../src/definition/define-task.js';
import { sqliteDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { busiestWindow, leastSpan, span } from '../support/rate-windows.js';

const LIMIT = 5;
const PERIOD = 1_000;

const limited = defineTask({
  name: 'limited',
  namespace_name: 'rates',
  version: '1.0.0',
  module_namespace: 'Rates',
  rate_limits: { api: { limit: LIMIT, period: PERIOD, burst: 0 } },
  step_templates: [{ name: 'call', rate_limit: 'api' }],
});

const flaky = defineTask({
  name: 'flaky',
  namespace_name: 'rates',
  version: '1.0.0',
  module_namespace: 'Rates',
  rate_limits: { partner: { limit: 100, period: '1s', burst: 0 } },
  step_templates: [{ name: 'push', default_retry_limit: 1, rate_limit: 'partner:context.partner_id' }],
});

describe('rate limits through the library on SQLite', () => {
  let db: TestDb;
  let tasker: Tasker;
  const throwsLeft = new Map<number, number>();

  beforeAll(async () => {
    db = sqliteDb();
    tasker = await openTestEngine(db, {
      templates: [limited, flaky],
      pollIntervalMs: 50,
      handlers: {
        'Rates::CallHandler': () => ({ ok: true }),
        'Rates::PushHandler': (task: { task_id: number }) => {
          const left = throwsLeft.get(task.task_id) ?? 2;
          throwsLeft.set(task.task_id, left - 1);
          if (left > 0) throw new RateLimitedError({ retryAfter: '20ms' });
          return { pushed: true };
        },
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('declares the templates limits in the store when it starts', async () => {
    const limits = await tasker.listRateLimits();
    expect(limits.map((l) => [l.name, l.limit, l.period_ms, l.burst, l.source])).toEqual([
      ['api', LIMIT, PERIOD, 0, 'template'],
      ['partner', 100, 1_000, 0, 'template'],
    ]);
  });

  it('never starts more than limit + burst steps in one period (from the stored claim times)', async () => {
    const created = await tasker.submitMany(
      Array.from({ length: 25 }, () => ({ namespace: 'rates', name: 'limited', context: {} })),
    );
    const starts: number[] = [];
    for (const { task_id } of created) {
      expect((await tasker.waitForTask(task_id, { timeoutMs: 60_000 })).current_state).toBe('completed');
      const claimed = (await tasker.getHistory(task_id)).filter((h) => h.step_id !== null && h.reason === 'claimed');
      starts.push(...claimed.map((h) => h.at));
    }
    expect(starts).toHaveLength(25);
    expect(busiestWindow(starts, PERIOD)).toBeLessThanOrEqual(LIMIT);
    // and the starts are spread as the refill rate demands (a bound on their times, not on the machine's speed)
    expect(span(starts)).toBeGreaterThanOrEqual(leastSpan(25, LIMIT, PERIOD, 0));
  });

  it('RateLimitedError does not spend an attempt: retry_limit 1, thrown twice, then the task completes', async () => {
    const { task_id } = await tasker.submit({ namespace: 'rates', name: 'flaky', context: { partner_id: 'p1' } });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('completed');
    expect(done.workflow_steps[0]).toMatchObject({ attempts: 1, results: { pushed: true } });
    const rows = (await tasker.getHistory(task_id)).filter((h) => h.step_id !== null);
    expect(rows.map((h) => `${h.from_state}>${h.to_state} ${h.reason}`)).toEqual([
      'pending>running claimed',
      'running>pending rate_limited',
      'pending>running claimed',
      'running>pending rate_limited',
      'pending>running claimed',
      'running>completed completed',
    ]);
  });

  it('refuses a request whose context lacks the key field of a keyed rate limit', async () => {
    await expect(tasker.submit({ namespace: 'rates', name: 'flaky', context: {} })).rejects.toThrow(
      /context\.partner_id is missing: the rate limit key of step rates\/flaky\/push is 'context\.partner_id'/,
    );
  });

  it("an operator's limit overrides the template's, and a re-registration does not undo it", async () => {
    const set = await tasker.setRateLimit('api', { limit: 50, period: '1m', burst: 2 }, { actor: 'ops:alice' });
    expect(set).toMatchObject({ name: 'api', limit: 50, period_ms: 60_000, burst: 2, source: 'operator' });
    // a newer version declares `api` differently and a new limit: the new one is recorded, `api` stays the operator's
    const rates = { api: { limit: 7, period: 1_000, burst: 0 }, extra: { limit: 1, period: 1_000, burst: 0 } };
    tasker.registerTemplate({ ...limited, version: '1.0.1', rate_limits: rates });
    const deadline = Date.now() + 10_000;
    while (!(await tasker.listRateLimits()).some((l) => l.name === 'extra') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    expect((await tasker.listRateLimits()).map((l) => [l.name, l.limit, l.source])).toEqual([
      ['api', 50, 'operator'],
      ['extra', 1, 'template'],
      ['partner', 100, 'template'],
    ]);
    await expect(tasker.setRateLimit('api', { limit: 5, period: 'soon' })).rejects.toThrow(/period must be/);
  });
});
