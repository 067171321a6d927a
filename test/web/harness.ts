// Test support for the dashboard: a real `tasker serve` child process (src/cli/main.ts through tsx) on a SQLite
// file with a small workflow whose `charge` step fails until a flag file exists, a Chromium from the system
// packages driven by playwright-core, small API helpers, and screenshots into .tmp/screenshots (git-ignored).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '../..');
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
export const SCREENSHOTS = join(REPO, '.tmp', 'screenshots');
/** expect.poll options: a hang guard for what the page shows after a refresh, never a timing assertion. */
export const POLL = { timeout: 20_000, interval: 100 };
export const CHROMIUM = process.env.TASKER_TEST_CHROMIUM ?? '/usr/bin/chromium';

/** fetch -> charge -> ship, and notify beside charge; charge fails (for good) until the task's flag file exists. */
const TEMPLATE = `name: checkout
namespace_name: shop
version: 1.0.0
description: a checkout whose payment gateway is down until a flag file appears
schema:
  type: object
  required: [flag]
  properties:
    flag: { type: string }
    order_id: { type: integer }
step_templates:
  - name: fetch_order
    handler_class: Shop::FetchOrder
  - name: charge
    depends_on_step: fetch_order
    handler_class: Shop::Charge
    default_retryable: false
  - name: notify
    depends_on_step: fetch_order
    handler_class: Shop::Notify
  - name: ship
    depends_on_steps: [charge, notify]
    handler_class: Shop::Ship
`;

const HANDLERS = `import { existsSync } from 'node:fs';
export const handlers = {
  'Shop::FetchOrder': async (task) => ({ order_id: task.context.order_id ?? 1, lines: 2 }),
  'Shop::Charge': async (task) => {
    if (!existsSync(task.context.flag)) {
      const err = new Error('payment gateway down (flag ' + task.context.flag + ' missing)');
      err.name = 'GatewayDown';
      throw err;
    }
    return { charged: true };
  },
  'Shop::Notify': async () => ({ notified: true }),
  'Shop::Ship': async () => ({ shipped: true }),
};
`;

export interface Served {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>/tasker` */
  base: string;
  dir: string;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Starts `tasker serve --workers 2` on a fresh SQLite file in a temp dir (extra flags appended). */
export async function serve(extra: string[] = [], files: Record<string, string> = {}): Promise<Served> {
  if (!existsSync(join(REPO, 'dist', 'web', 'index.html'))) {
    throw new Error('dist/web is missing: build the dashboard first (npm run build)');
  }
  const dir = mkdtempSync(join(tmpdir(), 'tasker-web-'));
  writeFileSync(join(dir, 'checkout.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const args = ['serve', '--port', '0', '--workers', '2', '--db', `sqlite:${join(dir, 'tasker.db')}`];
  args.push('--templates', join(dir, 'checkout.yaml'), '--handlers', join(dir, 'handlers.mjs'), ...extra);
  const child = spawn(process.execPath, ['--import', TSX, join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', TASKER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exit = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  const base = await new Promise<string>((ok, fail) => {
    const guard = setTimeout(() => fail(new Error(`serve did not start: ${stderr}`)), 40_000);
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[^ ]+\/tasker)/.exec(stderr);
      if (m) {
        clearTimeout(guard);
        ok(m[1]!);
      }
    });
    child.stdout!.resume();
    void exit.then((code) => {
      clearTimeout(guard);
      fail(new Error(`serve exited with ${code} before listening: ${stderr}`));
    });
  }).catch((err: unknown) => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    child,
    base,
    dir,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const guard = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exit;
      clearTimeout(guard);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set TASKER_TEST_CHROMIUM`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export type Json = any;

/** A JSON request to the API; returns status and parsed body. */
export async function apiCall(
  base: string,
  method: string,
  path: string,
  opts: { body?: unknown; token?: string } = {},
): Promise<{ status: number; json: Json; headers: Headers; text: string }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, headers: res.headers, text };
}

/** Creates a checkout task whose charge step fails until `flag` exists; returns its id. */
export async function createCheckout(base: string, flag: string, token?: string, tags: string[] = []): Promise<number> {
  const res = await apiCall(base, 'POST', '/tasks', {
    body: { namespace: 'shop', name: 'checkout', context: { flag, order_id: 7 }, tags },
    ...(token ? { token } : {}),
  });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${res.text}`);
  return res.json.task_id as number;
}

/** Polls the task until it reaches `state` (a hang guard of 30 s, never a timing assertion). */
export async function waitForState(base: string, id: number, state: string, token?: string): Promise<Json> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await apiCall(base, 'GET', `/tasks/${id}`, token ? { token } : {});
    if (res.json?.current_state === state) return res.json;
    if (Date.now() > deadline) throw new Error(`task ${id} is ${res.json?.current_state}, not ${state}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Confirms the open action dialog with a reason (and results JSON for Resolve). */
export async function confirmAction(page: Page, reason: string, results?: string): Promise<void> {
  const dialog = page.getByRole('dialog');
  if (results !== undefined) await dialog.getByLabel('Results (JSON)').fill(results);
  await dialog.getByLabel('Reason').fill(reason);
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await dialog.waitFor({ state: 'detached' });
}
