// Flow control in the dashboard: a delayed task shows what it waits for in the list and in its detail, and the
// detail's "Pause task" / "Resume task" buttons pause and resume it through the API (recorded with the actor).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { POLL, apiCall, confirmAction, launchBrowser, serve, type Served } from './harness.js';

describe('dashboard: flow control', () => {
  let served: Served;
  let browser: Browser;
  let id: number;

  beforeAll(async () => {
    served = await serve();
    browser = await launchBrowser();
    const res = await apiCall(served.base, 'POST', '/tasks', {
      body: { namespace: 'shop', name: 'checkout', context: { flag: join(served.dir, 'never') }, delay: '1h' },
    });
    expect(res.status).toBe(201);
    id = res.json.task_id as number;
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('shows a delayed task waiting, then pauses and resumes it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.base}/ui/tasks`);
      await page.locator(`tr[data-task-id="${id}"] [data-waiting-for="delay"]`).waitFor();

      await page.goto(`${served.base}/ui/tasks/${id}`);
      await page.locator('[data-task-state="pending"]').waitFor();
      expect(await page.locator('dd[data-waiting-for="delay"]').textContent()).toMatch(/^its start at /);
      // its first step says why it waits, in words
      await page.locator('[data-step="fetch_order"]').click();
      const wait = page.locator('[data-step-panel="fetch_order"] dd[data-step-waiting-for="delay"]');
      await wait.waitFor();
      expect(await wait.textContent()).toBe("its task's delayed start");

      await page.getByRole('button', { name: 'Pause task', exact: true }).click();
      await confirmAction(page, 'hold it for the audit');
      await page.locator('dd[data-paused="true"]').waitFor();
      await expect.poll(async () => (await apiCall(served.base, 'GET', `/tasks/${id}`)).json.paused, POLL).toBe(true);
      const history = await apiCall(served.base, 'GET', `/tasks/${id}/history`);
      const paused = (history.json.history as Array<{ reason?: string; actor?: string }>).find((r) =>
        String(r.reason ?? '').includes('hold it for the audit'),
      );
      expect(paused?.actor).toBe('dashboard');

      await page.getByRole('button', { name: 'Resume task', exact: true }).click();
      await confirmAction(page, 'audit done');
      await expect.poll(async () => (await apiCall(served.base, 'GET', `/tasks/${id}`)).json.paused, POLL).toBe(false);
      await page.getByRole('button', { name: 'Pause task', exact: true }).waitFor();
      expect(await page.locator('dd[data-paused="true"]').count()).toBe(0);
      // Still waiting for its delayed start: resuming lifts only the pause.
      expect((await apiCall(served.base, 'GET', `/tasks/${id}`)).json.waiting_for).toBe('delay');
    } finally {
      await context.close();
    }
  });
});
