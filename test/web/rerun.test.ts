// PENDING until the rerun branch (POST /tasks/{id}/workflow_steps/{step}/rerun) is merged: then rename this file
// to rerun.test.ts. "Rerun from here" on a completed task's middle step: the dialog highlights the step and its
// descendants in the DAG before confirming; after it, only those steps run again (a new run of the task), the
// task completes again, and the history shows the rerun with its actor and reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import {
  POLL,
  apiCall,
  confirmAction,
  createCheckout,
  launchBrowser,
  serve,
  waitForState,
  type Served,
} from './harness.js';

describe('dashboard: rerun from a step', () => {
  let served: Served;
  let browser: Browser;
  let id: number;

  beforeAll(async () => {
    served = await serve();
    browser = await launchBrowser();
    writeFileSync(join(served.dir, 'rerun.flag'), '');
    id = await createCheckout(served.base, join(served.dir, 'rerun.flag'));
    await waitForState(served.base, id, 'completed');
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('highlights the downstream steps, then reruns only the step and its descendants', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.base}/ui/tasks/${id}`);
      await page.locator('[data-task-state="completed"]').waitFor();
      await page.locator('[data-step="charge"]').click();
      await page.getByRole('button', { name: 'Rerun from here', exact: true }).click();
      await page.getByRole('dialog').waitFor();
      expect(await page.locator('[data-step="charge"]').getAttribute('data-highlight')).toBe('true');
      expect(await page.locator('[data-step="ship"]').getAttribute('data-highlight')).toBe('true');
      expect(await page.locator('[data-step="notify"]').getAttribute('data-highlight')).toBeNull();
      expect(await page.locator('[data-step="fetch_order"]').getAttribute('data-highlight')).toBeNull();
      await confirmAction(page, 'fixed the charge handler');
      await expect.poll(async () => (await apiCall(served.base, 'GET', `/tasks/${id}`)).json.run, POLL).toBe(2);
      await page.locator('[data-task-state="completed"]').waitFor({ timeout: 30_000 });
      const task = await waitForState(served.base, id, 'completed');
      expect(task.run).toBe(2);
      const attempts = async (step: string) =>
        (await apiCall(served.base, 'GET', `/tasks/${id}/workflow_steps/${step}`)).json.attempt_history.length;
      expect(await attempts('fetch_order')).toBe(1);
      expect(await attempts('notify')).toBe(1);
      expect(await attempts('charge')).toBe(2);
      expect(await attempts('ship')).toBe(2);
      const row = page.locator('tr[data-history-step="charge"]', { hasText: 'fixed the charge handler' }).first();
      await expect.poll(() => row.locator('.actor').textContent(), POLL).toBe('dashboard');
    } finally {
      await context.close();
    }
  });
});
