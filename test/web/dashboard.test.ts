// The dashboard in a real Chromium against a real `tasker serve --workers 2`: the overview, the task list
// filtered to failed tasks (filter kept in the URL), a task's DAG with its failed step, Retry from the page and
// the page following the task to completed without a reload; Skip and Resolve on other tasks with the history
// naming the actor and reason; screenshots in light and dark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  apiCall,
  confirmAction,
  createCheckout,
  launchBrowser,
  screenshot,
  serve,
  waitForState,
  type Served,
  POLL,
} from './harness.js';

describe('dashboard', () => {
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];
  const ids: Record<'retry' | 'skip' | 'resolve' | 'ok', number> = { retry: 0, skip: 0, resolve: 0, ok: 0 };

  beforeAll(async () => {
    served = await serve();
    browser = await launchBrowser();
    const flag = (n: string) => join(served.dir, `${n}.flag`);
    writeFileSync(flag('ok'), '');
    ids.ok = await createCheckout(served.base, flag('ok'), undefined, ['eu']);
    ids.retry = await createCheckout(served.base, flag('retry'), undefined, ['eu', 'vip']);
    ids.skip = await createCheckout(served.base, flag('skip'));
    ids.resolve = await createCheckout(served.base, flag('resolve'));
    await waitForState(served.base, ids.ok, 'completed');
    for (const id of [ids.retry, ids.skip, ids.resolve]) await waitForState(served.base, id, 'failed');
    context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('console', (m) => /Content.Security.Policy|Refused to/i.test(m.text()) && cspViolations.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await served?.stop();
  });

  it('serves the overview, redirecting / to /tasker/ui/', async () => {
    const origin = new URL(served.base).origin;
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    expect(served.stderr()).toContain(`tasker serve: dashboard at ${origin}/tasker/ui/`);
    await page.goto(`${origin}/`);
    expect(new URL(page.url()).pathname).toBe('/tasker/ui/');
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.locator('[data-stat="tasks.failed"] .stat-value', { hasText: '3' }).waitFor();
    expect(await page.locator('[data-stat="tasks.completed"] .stat-value').textContent()).toBe('1');
    await screenshot(page, 'overview-light');
    expect(errors.filter((e) => !/\/(stats|events\/tickets|history)\b.*404|404/.test(e))).toEqual([]);
  });

  it('filters the task list to failed tasks, keeping the filter in the URL', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks' }).click();
    await page.getByRole('heading', { name: 'Tasks' }).waitFor();
    await page.locator('tr[data-task-id]').first().waitFor();
    expect(await page.locator('tr[data-task-id]').count()).toBe(4);
    await page.getByRole('checkbox', { name: 'failed' }).check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.waitForURL(/state=failed/);
    await expect.poll(() => page.locator('tr[data-task-id]').count(), POLL).toBe(3);
    const states = await page.locator('tr[data-task-id]').evaluateAll((rows) => rows.map((r) => r.dataset.state));
    expect(new Set(states)).toEqual(new Set(['failed']));
    await screenshot(page, 'tasks-light');
    // The same URL, opened fresh, shows the same view.
    await page.reload();
    await expect.poll(() => page.locator('tr[data-task-id]').count(), POLL).toBe(3);
    expect(await page.getByRole('checkbox', { name: 'failed' }).isChecked()).toBe(true);
    // Keyset pages and sorting, also in the URL.
    const ids = () => page.locator('tr[data-task-id]').evaluateAll((rows) => rows.map((r) => r.dataset.taskId));
    await page.goto(`${served.base}/ui/tasks?limit=2&sort=task_id&order=asc`);
    await expect.poll(ids, POLL).toEqual(['1', '2']);
    await page.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(ids, POLL).toEqual(['3', '4']);
    expect(new URL(page.url()).searchParams.get('cursor')).toBeTruthy();
    await page.getByRole('button', { name: 'First page' }).click();
    await expect.poll(ids, POLL).toEqual(['1', '2']);
    await page.getByRole('button', { name: /^Id/ }).click();
    await expect.poll(ids, POLL).toEqual(['4', '3']);
    expect(new URL(page.url()).searchParams.get('order')).toBe('desc');
    await page.goBack();
    await expect.poll(ids, POLL).toEqual(['1', '2']);
  });

  it('shows the failed step in the DAG, and Retry takes the step and then the task to completed live', async () => {
    await page.locator(`tr[data-task-id="${ids.retry}"] a`).click();
    await page.waitForURL(new RegExp(`/tasker/ui/tasks/${ids.retry}`));
    const charge = page.locator('[data-step="charge"]');
    await charge.waitFor();
    expect(await charge.getAttribute('data-state')).toBe('failed');
    expect(await page.locator('[data-step="fetch_order"]').getAttribute('data-state')).toBe('completed');
    expect(await page.locator('[data-step="ship"]').getAttribute('data-state')).toBe('pending');
    await page.getByText('payment gateway down').first().waitFor();
    const backtrace = page.locator('[data-step-panel="charge"] .attempt details');
    expect(await backtrace.locator('summary').textContent()).toBe('Backtrace');
    expect(await backtrace.locator('pre').textContent()).toContain('handlers.mjs');
    await screenshot(page, 'task-detail-light');

    writeFileSync(join(served.dir, 'retry.flag'), '');
    await charge.click();
    await page.getByRole('button', { name: 'Retry', exact: true }).click();
    await confirmAction(page, 'gateway is back');
    await page.locator('[data-step="charge"][data-state="completed"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-task-state="completed"]').waitFor({ timeout: 30_000 });
    expect(await page.locator('[data-step="ship"]').getAttribute('data-state')).toBe('completed');
    const row = page.locator('tr[data-history-step="charge"][data-to-state="pending"]').last();
    expect(await row.locator('.actor').textContent()).toBe('dashboard');
    await expect.poll(() => row.textContent(), POLL).toContain('gateway is back');
  });

  it('skips a step on one task and resolves one on another; the history names each action and its actor', async () => {
    await page.goto(`${served.base}/ui/tasks/${ids.skip}`);
    await page.locator('[data-step="charge"][data-state="failed"]').waitFor();
    await page.getByRole('button', { name: 'Skip', exact: true }).click();
    await confirmAction(page, 'paid by bank transfer');
    await page.locator('[data-step="charge"][data-state="skipped"]').waitFor();
    await page.locator('[data-task-state="completed"]').waitFor({ timeout: 30_000 });
    const skipped = page.locator('tr[data-history-step="charge"][data-to-state="skipped"]');
    await expect.poll(() => skipped.textContent(), POLL).toContain('paid by bank transfer');
    expect(await skipped.locator('.actor').textContent()).toBe('dashboard');

    await page.goto(`${served.base}/ui/tasks/${ids.resolve}`);
    await page.locator('[data-step="charge"][data-state="failed"]').waitFor();
    await page.getByRole('button', { name: 'Resolve', exact: true }).click();
    await confirmAction(page, 'charged by phone', '{"charged": true, "by": "phone"}');
    await page.locator('[data-step="charge"][data-state="resolved_manually"]').waitFor();
    await page.locator('[data-task-state="completed"]').waitFor({ timeout: 30_000 });
    const resolved = page.locator('tr[data-history-step="charge"][data-to-state="resolved_manually"]');
    await expect.poll(() => resolved.textContent(), POLL).toContain('charged by phone');
    expect(await resolved.locator('.actor').textContent()).toBe('dashboard');
    const step = await apiCall(served.base, 'GET', `/tasks/${ids.resolve}/workflow_steps/charge`);
    expect(step.json.results).toEqual({ charged: true, by: 'phone' });
    expect(step.json.history.at(-1)).toMatchObject({ to_state: 'resolved_manually', actor: 'dashboard' });
  });

  it('renders in dark mode and at phone width', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${served.base}/ui/tasks/${ids.retry}`);
    await page.locator('[data-step="charge"][data-state="completed"]').waitFor();
    const bg = await page.evaluate('getComputedStyle(document.body).backgroundColor');
    expect(bg).toBe('rgb(18, 22, 29)');
    await screenshot(page, 'task-detail-dark');
    await page.goto(`${served.base}/ui/`);
    await page.locator('[data-stat="tasks.completed"] .stat-value', { hasText: '4' }).waitFor();
    await screenshot(page, 'overview-dark');
    await page.goto(`${served.base}/ui/tasks?state=completed`);
    await expect.poll(() => page.locator('tr[data-task-id]').count(), POLL).toBe(4);
    await screenshot(page, 'tasks-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${served.base}/ui/tasks/${ids.skip}`);
    await page.locator('[data-step="charge"][data-state="skipped"]').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'task-detail-phone-dark');
  });

  it('shows the templates with their DAG, step settings and context schema', async () => {
    await page.goto(`${served.base}/ui/templates`);
    await page.getByRole('navigation', { name: 'Templates' }).getByRole('link', { name: 'checkout' }).click();
    await page.getByRole('heading', { name: /shop\/checkout/ }).waitFor();
    expect(new URL(page.url()).searchParams.get('name')).toBe('checkout');
    const nodes = await page
      .locator('svg.dag [data-step]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    expect(nodes.sort()).toEqual(['charge', 'fetch_order', 'notify', 'ship']);
    await page.getByRole('cell', { name: 'Shop::Charge' }).waitFor();
    expect(await page.getByText('not retryable').count()).toBe(1);
    expect(await page.locator('details.json pre').last().textContent()).toContain('"required"');
  });

  it('is keyboard navigable: Tab reaches a DAG node and Enter selects the step', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${served.base}/ui/tasks/${ids.ok}`);
    await page.locator('[data-step="notify"][data-state="completed"]').waitFor();
    let focused = '';
    for (let i = 0; i < 60 && focused !== 'notify'; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate("document.activeElement?.getAttribute('data-step') ?? ''");
    }
    expect(focused).toBe('notify');
    await page.keyboard.press('Enter');
    await page.locator('[data-step-panel="notify"]').waitFor();
    expect(new URL(page.url()).searchParams.get('step')).toBe('notify');
  });

  it('ran every page without a script error or a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
