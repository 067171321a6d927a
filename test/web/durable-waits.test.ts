// Durable waits in the dashboard: a step parked for a signal, then for a timer, says so in words in its panel (and the
// task list shows the task running); the signal is sent through the API like an approval system would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { POLL, apiCall, launchBrowser, serve, type Served } from './harness.js';

const HOLD = `name: hold
namespace_name: shop
version: 1.0.0
step_templates:
  - name: await_approval
    wait_for: { signal: approval }
  - name: cool_off
    depends_on_step: await_approval
    wait_for: { duration: 1h }
`;

describe('dashboard: durable waits', () => {
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    // serve runs in its temp dir, where hold.yaml is written; a second --templates adds to the first
    served = await serve(['--templates', 'hold.yaml'], { 'hold.yaml': HOLD });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows a step waiting for a signal, then for its timer', async () => {
    const created = await apiCall(served.base, 'POST', '/tasks', { body: { namespace: 'shop', name: 'hold' } });
    expect(created.status).toBe(201);
    const id = created.json.task_id as number;
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.base}/ui/tasks/${id}`);
      await page.locator('[data-step="await_approval"]').click();
      const signal = page.locator('[data-step-panel="await_approval"] dd[data-step-waiting-for="signal"]');
      await signal.waitFor(POLL);
      expect(await signal.textContent()).toMatch(/^a signal \(tasker signal, or POST …\/signals\/<name>\)/);

      const sent = await apiCall(served.base, 'POST', `/tasks/${id}/signals/approval`, { body: { payload: 'ok' } });
      expect(sent.status).toBe(202);
      await expect
        .poll(async () => (await apiCall(served.base, 'GET', `/tasks/${id}`)).json.workflow_steps[1].waiting_for, POLL)
        .toBe('timer');
      await page.locator('[data-step="cool_off"]').click();
      const timer = page.locator('[data-step-panel="cool_off"] dd[data-step-waiting-for="timer"]');
      await timer.waitFor(POLL);
      expect(await timer.textContent()).toMatch(/^its timer/);
    } finally {
      await context.close();
    }
  });
});
