// The dashboard with auth on: it asks for a token once (kept in sessionStorage, never in a URL); a read-only
// token sees the task but its operator buttons are disabled with the reason, and the API refuses the action;
// an operator's action is recorded with the token's name as actor.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
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

const READER = 'reader-token-0123456789abcdef';
const OPERATOR = 'operator-token-0123456789abcdef';
const TOKENS = `tokens:
  - name: reader
    token: ${READER}
    scopes: [tasks:read]
  - name: oncall
    token: ${OPERATOR}
    scopes: [tasks:read, tasks:write, steps:operate]
`;

describe('dashboard with auth', () => {
  let served: Served;
  let browser: Browser;
  let failedId: number;

  beforeAll(async () => {
    served = await serve(['--auth-tokens', 'tokens.yaml'], { 'tokens.yaml': TOKENS });
    browser = await launchBrowser();
    failedId = await createCheckout(served.base, join(served.dir, 'auth.flag'), OPERATOR);
    await waitForState(served.base, failedId, 'failed', OPERATOR);
  });

  afterAll(async () => {
    await browser?.close();
    await served?.stop();
  });

  it('serves the page without a token, with a CSP that forbids framing and off-site scripts', async () => {
    const res = await fetch(`${served.base}/ui/tasks/${failedId}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:/);
    expect(await res.text()).not.toMatch(/<script>(?!<)/);
    expect((await apiCall(served.base, 'GET', `/tasks/${failedId}`)).status).toBe(401);
  });

  it('asks for a token once; a read-only token sees disabled buttons and the API refuses the action', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      const urls: string[] = [];
      page.on('request', (r) => urls.push(r.url()));
      await page.goto(`${served.base}/ui/tasks/${failedId}`);
      await page.getByLabel('Token').fill(READER);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-step="charge"][data-state="failed"]').waitFor();
      for (const name of ['Retry', 'Skip', 'Resolve', 'Retry task', 'Cancel task']) {
        const button = page.getByRole('button', { name, exact: true });
        expect(await button.isDisabled(), name).toBe(true);
      }
      await page.getByText("Token 'reader' lacks the steps:operate scope").first().waitFor();
      expect(await page.evaluate("sessionStorage.getItem('tasker.token')")).toBe(READER);
      expect(urls.filter((u) => u.includes(READER))).toEqual([]);
      // The token survives a reload of the tab (sessionStorage), so no second prompt.
      await page.reload();
      await page.locator('[data-step="charge"]').waitFor();
      expect(await page.getByLabel('Token').count()).toBe(0);

      const refused = await apiCall(served.base, 'POST', `/tasks/${failedId}/workflow_steps/charge/retry`, {
        token: READER,
        body: { reason: 'try' },
      });
      expect(refused.status).toBe(403);
      expect(refused.json.error.code).toBe('forbidden');
      const who = await apiCall(served.base, 'GET', '/auth/whoami', { token: READER });
      expect(who.json).toEqual({ auth: true, name: 'reader', actor: 'token:reader', scopes: ['tasks:read'] });
    } finally {
      await context.close();
    }
  });

  it("records an operator token's action with its name as the actor", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const page = await context.newPage();
      await page.goto(`${served.base}/ui/tasks/${failedId}`);
      await page.getByLabel('Token').fill('not-a-valid-token-at-all');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').filter({ hasText: 'invalid token' }).waitFor();
      await page.getByLabel('Token').fill(OPERATOR);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.locator('[data-step="charge"][data-state="failed"]').waitFor();
      writeFileSync(join(served.dir, 'auth.flag'), '');
      await page.getByRole('button', { name: 'Retry task', exact: true }).click();
      await confirmAction(page, 'gateway fixed');
      await page.locator('[data-task-state="completed"]').waitFor({ timeout: 30_000 });
      const row = page.locator('tr[data-history-step="charge"][data-to-state="pending"]').last();
      await expect.poll(() => row.locator('.actor').textContent(), POLL).toBe('token:oncall');
    } finally {
      await context.close();
    }
  });
});
