// Conformance: rate limits (issue 14) — named token buckets in the store: a claim with `rateLimited` gives a
// rate-limited step a token of its bucket or puts it back (ready_at pushed to when its bucket should have one,
// waiting for `rate_limit`); keyed buckets are independent; an operator's limit overrides templates; a handler's
// RateLimitedError hands the attempt back uncounted and drains the bucket; a claim without the flag is the plain one.
import { describe, expect, it } from 'vitest';
import type { ClaimedStep, Store } from '../../../src/core/store-contract.js';
import { claim, complete, create, LEASE, ok, step, useStore, waitFor, type MakeStore } from './fixtures.js';

const HOUR = 3_600_000;
const rated = (name: string, rateKey: string) => step(name, [], { rate_key: rateKey });

function rateClaim(store: Store, limit = 100, workerId = 'w1'): Promise<ClaimedStep[]> {
  return store.claimSteps({ workerId, limit, leaseMs: LEASE, rateLimited: true });
}

export function rateLimitTests(makeStore: MakeStore): void {
  describe('rate limits', () => {
    const store = useStore(makeStore);

    it('a full bucket serves burst + 1 starts; the others wait for rate_limit, looked at again when a token is due', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 1, period_ms: HOUR, burst: 2 }]);
      const ids: number[] = [];
      for (let i = 0; i < 5; i += 1) ids.push(await create(store(), [rated('call', 'api')]));
      const plain = await create(store(), [step('plain')]);
      const before = Date.now();
      const first = await rateClaim(store());
      const after = Date.now();
      // three tokens in claim order first (the rate claim), then the plain step
      expect(first.map((c) => c.task.task_id)).toEqual([...ids.slice(0, 3), plain]);
      for (const id of ids.slice(3)) {
        const task = (await store().getTask(id))!;
        expect(task).toMatchObject({ current_state: 'running', waiting_for: 'rate_limit' });
        expect(task.workflow_steps[0]).toMatchObject({
          current_state: 'pending',
          attempts: 0,
          waiting_for: 'rate_limit',
        });
      }
      // the first denied looks again in about one period / limit (an hour), the second one more after it
      const next = (await store().nextRetryAt())!;
      expect(next).toBeGreaterThanOrEqual(before + HOUR - 1_000);
      expect(next).toBeLessThanOrEqual(after + HOUR + 1_000);
      expect(await rateClaim(store())).toEqual([]);
      expect(await store().rateLimits.listRateLimits()).toEqual([
        expect.objectContaining({
          name: 'api',
          limit: 1,
          period_ms: HOUR,
          burst: 2,
          source: 'template',
          buckets: 1,
          waiting: 2,
        }),
      ]);
      // a granted step no longer waits; its task started and says nothing
      expect(await store().getTask(ids[0]!)).toMatchObject({ waiting_for: null });
    });

    it('a claim without rateLimited never starts a rate-limited step (the plain claim is unchanged)', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 5, period_ms: 1_000, burst: 5 }]);
      const limited = await create(store(), [rated('call', 'api')]);
      const plain = await create(store(), [step('a')]);
      const claimed = await claim(store());
      expect(claimed.map((c) => c.task.task_id)).toEqual([plain]);
      expect(await store().getTask(limited)).toMatchObject({ waiting_for: null });
      expect((await store().stats()).ready_depth).toBe(1); // the rate-limited step still counts as ready
      const later = await rateClaim(store());
      expect(later.map((c) => c.task.task_id)).toEqual([limited]);
    });

    it("a completion's claim serves rate-limited steps only with rateLimited, and then takes their tokens", async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 1, period_ms: HOUR, burst: 0 }]);
      const first = await create(store(), [step('a')]);
      const second = await create(store(), [step('a')]);
      const limitedA = await create(store(), [rated('call', 'api')]);
      const limitedB = await create(store(), [rated('call', 'api')]);
      const [c1, c2] = await claim(store());
      const plain = await store().completeSteps([ok(c1!)], {
        workerId: 'w1',
        claim: { limit: 10, leaseMs: LEASE },
      });
      expect(plain.claimed).toEqual([]);
      expect(c2!.task.task_id).toBe(second);
      const rated2 = await store().completeSteps([ok(c2!)], {
        workerId: 'w1',
        claim: { limit: 10, leaseMs: LEASE, rateLimited: true },
      });
      expect(rated2.claimed.map((c) => c.task.task_id)).toEqual([limitedA]);
      expect((await store().getTask(limitedB))!.workflow_steps[0]!.waiting_for).toBe('rate_limit');
      expect(await store().getTask(first)).toMatchObject({ current_state: 'completed' });
    });

    it('a worker kept busy by plain work still starts rate-limited steps: the rate claim comes first', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 10, period_ms: HOUR, burst: 1 }]);
      for (let i = 0; i < 4; i += 1) await create(store(), [step('plain')]);
      const limited = await create(store(), [rated('call', 'api')]);
      // a claim the plain steps alone could fill
      const claimed = await rateClaim(store(), 2);
      expect(claimed).toHaveLength(2);
      expect(claimed[0]!.task.task_id).toBe(limited);
      // and a completion's claim the same way
      const more = await create(store(), [rated('call', 'api')]);
      const done = await store().completeSteps([ok(claimed[1]!)], {
        workerId: 'w1',
        claim: { limit: 1, leaseMs: LEASE, rateLimited: true },
      });
      expect(done.claimed.map((c) => c.task.task_id)).toEqual([more]);
    });

    it('tokens refill at limit / period (store clock): consecutive starts of a one-token bucket are a period apart', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'fast', limit: 1, period_ms: 150, burst: 0 }]);
      const ids: number[] = [];
      for (let i = 0; i < 3; i += 1) ids.push(await create(store(), [rated('call', 'fast')]));
      const started: ClaimedStep[] = [];
      await waitFor(async () => {
        const got = await rateClaim(store());
        for (const c of got) {
          started.push(c);
          await complete(store(), [ok(c)]);
        }
        return started.length === 3;
      }, 'three rate-limited starts');
      const at: number[] = [];
      for (const id of ids) {
        const h = await store().getHistory(id);
        at.push(h.find((r) => r.step_id !== null && r.reason === 'claimed')!.at);
      }
      at.sort((x, y) => x - y);
      expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(150);
      expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(150);
    });

    it('keyed buckets are independent: one per key value', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'merchant', limit: 1, period_ms: HOUR, burst: 0 }]);
      const a1 = await create(store(), [rated('call', 'merchant:["a"]')]);
      await create(store(), [rated('call', 'merchant:["a"]')]);
      const b1 = await create(store(), [rated('call', 'merchant:["b"]')]);
      await create(store(), [rated('call', 'merchant:["b"]')]);
      const claimed = await rateClaim(store());
      expect(claimed.map((c) => c.task.task_id).sort((x, y) => x - y)).toEqual([a1, b1]);
      expect(await store().rateLimits.listRateLimits()).toEqual([
        expect.objectContaining({ name: 'merchant', buckets: 2, waiting: 2 }),
      ]);
    });

    it('an empty bucket at the head of the queue does not hide the steps of other buckets behind it', async () => {
      await store().rateLimits.declareRateLimits([
        { name: 'busy', limit: 1, period_ms: HOUR, burst: 0 },
        { name: 'idle', limit: 1, period_ms: HOUR, burst: 0 },
      ]);
      const busy: number[] = [];
      for (let i = 0; i < 5; i += 1) busy.push(await create(store(), [rated('call', 'busy')]));
      const idle = await create(store(), [rated('call', 'idle')]);
      const claimed = await rateClaim(store(), 2);
      expect(claimed.map((c) => c.task.task_id)).toEqual([busy[0], idle]);
    });

    it("an operator's limit overrides templates, which never overwrite it", async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 1, period_ms: HOUR, burst: 0 }]);
      const set = await store().rateLimits.setRateLimit('api', { limit: 1, period_ms: HOUR, burst: 3 }, 'ops:alice');
      expect(set).toMatchObject({ name: 'api', burst: 3, source: 'operator', buckets: 0, waiting: 0 });
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 1, period_ms: HOUR, burst: 0 }]);
      expect((await store().rateLimits.listRateLimits())[0]).toMatchObject({ burst: 3, source: 'operator' });
      for (let i = 0; i < 5; i += 1) await create(store(), [rated('call', 'api')]);
      expect(await rateClaim(store())).toHaveLength(4);
      await expect(
        store().rateLimits.setRateLimit('api', { limit: 0, period_ms: HOUR, burst: 0 }, 'ops'),
      ).rejects.toThrow(/limit must be a whole number/);
    });

    it('a step whose limit is not defined waits (looked at again in 5 s)', async () => {
      const id = await create(store(), [rated('call', 'nowhere')]);
      const before = Date.now();
      expect(await rateClaim(store())).toEqual([]);
      expect((await store().getTask(id))!.workflow_steps[0]!.waiting_for).toBe('rate_limit');
      expect(await store().nextRetryAt()).toBeGreaterThanOrEqual(before + 4_000);
    });

    it('RateLimitedError: the attempt goes back uncounted, waiting for rate_limit, and its bucket is drained', async () => {
      await store().rateLimits.declareRateLimits([{ name: 'api', limit: 1, period_ms: 1_000, burst: 9 }]);
      const id = await create(store(), [rated('call', 'api')]);
      const other = await create(store(), [rated('call', 'api')]);
      const [c] = await rateClaim(store(), 1);
      const res = await complete(store(), [
        { type: 'rate_limited', step_id: c!.step_id, task_id: id, attempt: c!.attempt, retryAfterMs: HOUR },
      ]);
      expect(res.applied).toEqual([c!.step_id]);
      const task = (await store().getTask(id))!;
      expect(task.workflow_steps[0]).toMatchObject({
        current_state: 'pending',
        attempts: 0,
        waiting_for: 'rate_limit',
      });
      const row = (await store().getHistory(id)).at(-1)!;
      expect(row).toMatchObject({ from_state: 'running', to_state: 'pending', reason: 'rate_limited', attempt: 1 });
      // nine tokens were left: the drain takes them, so the other step gets none for an hour
      expect(await rateClaim(store())).toEqual([]);
      expect((await store().getTask(other))!.workflow_steps[0]!.waiting_for).toBe('rate_limit');
      // a stale report changes nothing
      const stale = await complete(store(), [
        { type: 'rate_limited', step_id: c!.step_id, task_id: id, attempt: c!.attempt, retryAfterMs: 0 },
      ]);
      expect(stale.stale).toEqual([c!.step_id]);
    });

    it('RateLimitedError on a step without a limit: back uncounted, claimable after retryAfter (0: at once)', async () => {
      const id = await create(store(), [step('a', [], { retry_limit: 1 })]);
      for (let round = 0; round < 3; round += 1) {
        const [c] = await claim(store());
        expect(c!.attempt).toBe(1);
        await complete(store(), [
          { type: 'rate_limited', step_id: c!.step_id, task_id: id, attempt: c!.attempt, retryAfterMs: 0 },
        ]);
      }
      const [c] = await claim(store());
      await complete(store(), [ok(c!)]);
      expect((await store().getTask(id))!.current_state).toBe('completed');
    });
  });
}
