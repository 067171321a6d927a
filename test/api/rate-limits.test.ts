// Rate-limit routes over real HTTP on both stores: the limits templates declare (listed with source and buckets),
// one set by hand overriding the declaration, a task whose step waits for a token (waiting_for rate_limit) until
// the operator raises the limit, and pointed 400s for bad bodies.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { call, expectError, startApi, waitForTaskOverHttp, type ApiHarness } from './support/api.js';

const metered = defineTask({
  name: 'metered',
  namespace_name: 'api',
  rate_limits: { partner_api: { limit: 1, period: '1h' } },
  step_templates: [{ name: 'call_partner', handler_class: 'CallPartner', rate_limit: 'partner_api:context.partner' }],
});

describe.each(STORE_KINDS)('rate-limit routes on $kind', ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;

  beforeAll(async () => {
    db = make();
    api = await startApi(db, {
      templates: [metered],
      handlers: { CallPartner: async () => ({ called: true }) },
      pollIntervalMs: 50,
    });
  });
  afterAll(async () => {
    await api?.close();
    await db?.cleanup();
  });

  const put = (name: string, body: unknown) =>
    call(api.base, 'PUT', `/rate-limits/${name}`, { headers: { 'x-tasker-actor': 'ops:alice' }, body });

  it('lists the declared limit; a second task of a partner waits for a token until the limit is raised', async () => {
    const listed = await call(api.base, 'GET', '/rate-limits');
    expect(listed.status, listed.text).toBe(200);
    expect(listed.json.rate_limits).toEqual([
      expect.objectContaining({ name: 'partner_api', limit: 1, period_ms: 3_600_000, burst: 0, source: 'template' }),
    ]);
    const submit = async () =>
      (
        await call(api.base, 'POST', '/tasks', {
          body: { namespace: 'api', name: 'metered', context: { partner: 'p1' } },
        })
      ).json.task_id as number;
    const first = await submit();
    expect((await waitForTaskOverHttp(api.base, first)).json.current_state).toBe('completed');
    const second = await submit();
    let task = (await call(api.base, 'GET', `/tasks/${second}`)).json;
    for (let i = 0; i < 400 && task.workflow_steps[0].waiting_for !== 'rate_limit'; i += 1) {
      await new Promise((r) => setTimeout(r, 25));
      task = (await call(api.base, 'GET', `/tasks/${second}`)).json;
    }
    expect(task).toMatchObject({ current_state: 'pending', waiting_for: 'rate_limit' });
    expect(task.workflow_steps[0]).toMatchObject({ current_state: 'pending', waiting_for: 'rate_limit' });
    const waiting = (await call(api.base, 'GET', '/rate-limits')).json.rate_limits[0];
    expect(waiting).toMatchObject({ buckets: 1, waiting: 1 });

    // a million per hour with a burst: the bucket refills at once, and the waiting step starts at its next check
    const raised = await put('partner_api', { limit: 1_000_000, period: '1h', burst: 5 });
    expect(raised.status, raised.text).toBe(200);
    expect(raised.json).toMatchObject({ name: 'partner_api', limit: 1_000_000, burst: 5, source: 'operator' });
    expect(typeof raised.json.updated_at).toBe('string');
    expect((await waitForTaskOverHttp(api.base, second)).json.current_state).toBe('completed');
  });

  it('refuses bad bodies and names, naming the field', async () => {
    const bad = await put('partner_api', { limit: 5, period: 'soon' });
    expectError(bad, 400, 'invalid_request');
    expect(bad.json.error.message).toMatch(/rate limit 'partner_api': period must be a duration/);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toContain('period');
    expectError(await put('partner_api', { limit: 0, period: '1m' }), 400, 'invalid_request');
    expectError(await put('partner_api', { limit: 5, period: '1m', max: 3 }), 400, 'invalid_request');
    expectError(await put('partner_api', { period: '1m' }), 400, 'invalid_request');
    expectError(await put('bad%20name', { limit: 5, period: '1m' }), 400, 'invalid_request');
  });
});
