// The Schedules page in a real Chromium against a real `tasker serve --workers 2` whose templates declare cron
// schedules: a row per schedule with its definition and ticks (the last tick's task linked), Pause from the
// keyboard turning the row paused in the page and in the API, Trigger now creating a task (checked through the
// API), the paused templates listed, dark mode and phone width without overflow, and no CSP violation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { POLL, apiCall, confirmAction, launchBrowser, screenshot, serve, type Json, type Served } from './harness.js';

/**
 * Two schedules: `pulse` ticks every second, `nightly` (catch_up all) at 03:00 in Paris, so never during the test;
 * the step's concurrency limit makes a slot group for the page to list, and its rate limit a row of rate limits.
 */
const REPORTS = `name: rollup
namespace_name: reports
version: 2.1.0
step_templates:
  - name: notify
    handler_class: Shop::Notify
    concurrency: { limit: 2 }
    rate_limit: reports_mail
rate_limits:
  reports_mail: { limit: 100, period: 1m, burst: 5 }
schedules:
  - name: pulse
    cron: "* * * * * *"
    context: { window: 1s }
  - name: nightly
    cron: "0 3 * * *"
    timezone: Europe/Paris
    context: { window: 1d }
    catch_up: all
`;

const schedule = async (base: string, name: string): Promise<Json> =>
  ((await apiCall(base, 'GET', '/schedules')).json?.schedules as Json[] | undefined)?.find(
    (s) => s.namespace === 'reports' && s.name === 'rollup' && s.schedule === name,
  );

describe('dashboard: schedules', () => {
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    served = await serve(['--templates', 'reports.yaml'], { 'reports.yaml': REPORTS });
    browser = await launchBrowser();
    // The incident switch: checkout is paused, so the page must say why its tasks wait.
    const paused = await apiCall(served.base, 'POST', '/templates/shop/checkout/pause', {
      body: { reason: 'gateway incident' },
    });
    expect(paused.status).toBe(200);
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

  it('lists every schedule with its definition, state and ticks, linked from the navigation', async () => {
    // A schedule appears once a worker has loaded its template; pulse's first tick gives it a last task.
    await expect.poll(async () => (await schedule(served.base, 'pulse'))?.last_task_id ?? null, POLL).not.toBeNull();
    await page.goto(`${served.base}/ui/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schedules' }).click();
    await page.waitForURL(/\/tasker\/ui\/schedules$/);
    await page.getByRole('heading', { name: 'Schedules', level: 1 }).waitFor();

    const nightly = page.locator('tr[data-schedule="reports/rollup/nightly"]');
    await nightly.waitFor();
    const cells = await nightly.locator('td, th').allTextContents();
    expect(cells.slice(0, 6)).toEqual([
      'reports/rollup@2.1.0',
      'nightlyits tasks',
      '0 3 * * *',
      'Europe/Paris',
      'all',
      'active',
    ]);
    expect(await nightly.getAttribute('data-paused')).toBe('false');
    expect(await nightly.locator('[data-col="last-tick"]').textContent()).toBe('—');
    const api = await schedule(served.base, 'nightly');
    expect(api.next_tick_at).toMatch(/T0[12]:00:00/); // 03:00 in Paris is 01:00 or 02:00 UTC
    expect(await nightly.locator('[data-col="next-tick"]').getAttribute('title')).toBe(api.next_tick_at);

    // pulse has ticked: its last tick links the task it created.
    const pulse = page.locator('tr[data-schedule="reports/rollup/pulse"]');
    const last = pulse.locator('a[data-last-task]');
    await last.waitFor();
    const lastId = Number(await last.getAttribute('data-last-task'));
    const lastTask = await apiCall(served.base, 'GET', `/tasks/${lastId}`);
    expect(lastTask.json.tags).toContain('schedule:pulse');
    expect(await last.getAttribute('href')).toBe(`/tasker/ui/tasks/${lastId}`);
    await screenshot(page, 'schedules-light');
  });

  it('shows the paused templates and namespaces, and what they hold', async () => {
    const row = page.locator('tr[data-paused-target="shop/checkout"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('gateway incident');
    expect(await row.getByRole('link', { name: 'its pending tasks' }).getAttribute('href')).toBe(
      '/tasker/ui/tasks?state=pending&namespace=shop&name=checkout',
    );
    // Pausing the schedules' namespace holds them: the row says so, without the schedule itself being paused.
    await apiCall(served.base, 'POST', '/namespaces/reports/pause', { body: { reason: 'maintenance' } });
    const nightly = page.locator('tr[data-schedule="reports/rollup/nightly"]');
    await page.locator('tr[data-schedule="reports/rollup/nightly"][data-status="held"]').waitFor();
    expect(await nightly.textContent()).toContain('its namespace is paused');
    await page.locator('tr[data-paused-target="reports"]').waitFor();
    await apiCall(served.base, 'POST', '/namespaces/reports/resume', { body: {} });
    await page.locator('tr[data-schedule="reports/rollup/nightly"][data-status="active"]').waitFor();
    // The step limit's slot group, once pulse's tasks have run the step.
    const key = 'step:reports/rollup/notify';
    const group = async () =>
      ((await apiCall(served.base, 'GET', '/concurrency')).json.groups as Json[]).find((g) => g.key === key);
    await expect.poll(async () => (await group())?.limit, POLL).toBe(2);
    const slots = page.locator(`tr[data-slot-key="${key}"]`);
    await slots.waitFor();
    expect((await slots.locator('td').allTextContents())[0]).toBe('2');
    // The rate limit the template declares, with the bucket its steps use.
    const limit = page.locator('tr[data-rate-limit="reports_mail"]');
    await limit.waitFor();
    expect((await limit.locator('td').allTextContents()).slice(0, 2)).toEqual(['100 per 1m (burst 5)', 'template']);
  });

  it('pauses a schedule from the keyboard: the row and the API say paused, then Resume undoes it', async () => {
    const pulse = page.locator('tr[data-schedule="reports/rollup/pulse"]');
    const pause = pulse.getByRole('button', { name: 'Pause', exact: true });
    const target = 'reports/rollup/pulse pause_schedule';
    const active =
      "(document.activeElement?.closest('tr')?.dataset.schedule ?? '') + ' ' + " +
      "(document.activeElement?.getAttribute('data-action') ?? '')";
    let focused = '';
    for (let i = 0; i < 80 && focused !== target; i++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string>(active);
    }
    expect(focused).toBe(target);
    expect(await pause.textContent()).toBe('Pause');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('heading', { name: 'Pause: reports/rollup/pulse' }).waitFor();
    await page.keyboard.type('too noisy');
    await page.keyboard.press('Enter');
    await dialog.waitFor({ state: 'detached' });

    await page.locator('tr[data-schedule="reports/rollup/pulse"][data-paused="true"]').waitFor();
    expect(await pulse.locator('.badge').textContent()).toBe('paused');
    expect(await pulse.locator('[data-col="next-tick"]').textContent()).toBe('—');
    await page.getByRole('status').filter({ hasText: 'Schedule reports/rollup/pulse paused.' }).waitFor();
    const paused = await schedule(served.base, 'pulse');
    expect(paused).toMatchObject({ paused: true, paused_by: 'dashboard', next_tick_at: null });
    await pulse.getByRole('button', { name: 'Resume', exact: true }).waitFor();
    await screenshot(page, 'schedules-paused-light');

    await pulse.getByRole('button', { name: 'Resume', exact: true }).click();
    await confirmAction(page, 'quiet now');
    await page.locator('tr[data-schedule="reports/rollup/pulse"][data-paused="false"]').waitFor();
    await expect.poll(async () => (await schedule(served.base, 'pulse')).paused, POLL).toBe(false);
    // Paused again for the rest of the test, so it stops creating tasks.
    await pulse.getByRole('button', { name: 'Pause', exact: true }).click();
    await confirmAction(page, 'done with it');
    await expect.poll(async () => (await schedule(served.base, 'pulse')).paused, POLL).toBe(true);
  });

  it('Trigger now creates a task of the schedule, linked from the page', async () => {
    const nightly = page.locator('tr[data-schedule="reports/rollup/nightly"]');
    await nightly.getByRole('button', { name: 'Trigger now', exact: true }).click();
    await confirmAction(page, 'late data');
    const link = page.getByRole('status').locator('a[data-created-task]');
    await link.waitFor();
    const id = Number(await link.getAttribute('data-created-task'));
    const task = await apiCall(served.base, 'GET', `/tasks/${id}`);
    expect(task.status).toBe(200);
    expect(task.json).toMatchObject({ namespace: 'reports', name: 'rollup', version: '2.1.0', reason: 'late data' });
    expect(task.json.context).toEqual({ window: '1d' });
    expect(task.json.tags).toContain('schedule:nightly');
    expect(task.json.scheduled_for).toEqual(expect.any(String));
    // A trigger is no tick: the row's last tick stays empty.
    expect((await schedule(served.base, 'nightly')).last_task_id).toBeNull();
    expect(await nightly.locator('[data-col="last-tick"]').textContent()).toBe('—');
    await link.click();
    await page.waitForURL(new RegExp(`/tasker/ui/tasks/${id}$`));
    await page.locator('[data-task-state]').waitFor();
  });

  it('renders in dark mode and at phone width without overflow', async () => {
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.goto(`${served.base}/ui/schedules`);
    await page.locator('tr[data-schedule="reports/rollup/pulse"][data-paused="true"]').waitFor();
    expect(await page.evaluate('getComputedStyle(document.body).backgroundColor')).toBe('rgb(18, 22, 29)');
    await screenshot(page, 'schedules-dark');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('tr[data-schedule="reports/rollup/nightly"]').waitFor();
    const overflow = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await screenshot(page, 'schedules-phone-dark');
  });

  it('ran without a script error or a Content-Security-Policy violation', () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('dashboard: schedules with auth', () => {
  const READER = 'reader-token-0123456789abcdef';
  const OPERATOR = 'operator-token-0123456789abcdef';
  let served: Served;
  let browser: Browser;

  beforeAll(async () => {
    const tokens = `tokens:
  - { name: reader, token: ${READER}, scopes: [tasks:read] }
  - { name: oncall, token: ${OPERATOR}, scopes: [tasks:read, steps:operate] }
`;
    served = await serve(['--templates', 'reports.yaml', '--auth-tokens', 'tokens.yaml'], {
      'reports.yaml': REPORTS.replace('"* * * * * *"', '"0 4 * * *"'),
      'tokens.yaml': tokens,
    });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('a read-only token sees the schedules with the actions disabled and why; an operator pauses as itself', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.base}/ui/schedules`);
      await page.getByLabel('Token').fill(READER);
      await page.getByRole('button', { name: 'Sign in' }).click();
      const pulse = page.locator('tr[data-schedule="reports/rollup/pulse"]');
      await pulse.waitFor();
      for (const name of ['Pause', 'Trigger now']) {
        expect(await pulse.getByRole('button', { name, exact: true }).isDisabled(), name).toBe(true);
      }
      await page.getByText("Token 'reader' lacks the steps:operate scope").waitFor();
      const refused = await apiCall(served.base, 'POST', '/schedules/reports/rollup/pulse/pause', { token: READER });
      expect(refused.status).toBe(403);

      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('Token').fill(OPERATOR);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await pulse.getByRole('button', { name: 'Pause', exact: true }).click();
      await confirmAction(page, 'on call says so');
      await page.locator('tr[data-schedule="reports/rollup/pulse"][data-paused="true"]').waitFor();
      const list = await apiCall(served.base, 'GET', '/schedules', { token: OPERATOR });
      const row = (list.json.schedules as Json[]).find((s) => s.schedule === 'pulse');
      expect(row).toMatchObject({ paused: true, paused_by: 'token:oncall' });
    } finally {
      await context.close();
    }
  });
});
