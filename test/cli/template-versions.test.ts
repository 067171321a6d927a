// Template versions end to end with real processes (issue 15), on both stores: `tasker worker` runs step a of a task
// of pinned/order@1.0.0 (a -> b) and holds b until a gate file exists; the worker stops (b handed back), the v1.0.0
// YAML is removed and v1.1.0 (x -> y) written in its place, and a new worker that loads only v1.1.0 finishes the
// task on its stored v1.0.0 definition. A YAML edited without a new version is refused by `worker`, `run` and
// `validate --db` with the stored time and the first difference; `--allow-redefine` replaces it on SQLite and is
// refused on PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../../src/core/store-contract.js';
import { openStore } from '../../src/store/open-store.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { REPO, runCli } from './cli-runner.js';

const yaml = (version: string, steps: string) => `# pinned order
name: order
namespace_name: pinned
version: ${version}
description: an order
step_templates:
${steps}`;

const V1 = yaml(
  '1.0.0',
  `  - name: a
    handler_class: Pin::A
  - name: b
    depends_on_step: a
    handler_class: Pin::B
`,
);
const V1_1 = yaml(
  '1.1.0',
  `  - name: x
    handler_class: Pin::X
  - name: y
    depends_on_step: x
    handler_class: Pin::Y
`,
);

const HANDLERS = `import { existsSync } from 'node:fs';
const tick = () => new Promise((r) => setTimeout(r, 20).unref());
export const handlers = {
  'Pin::A': () => ({ ran: 'a', pid: process.pid }),
  'Pin::B': async () => {
    while (process.env.PIN_GATE && !existsSync(process.env.PIN_GATE)) await tick();
    return { ran: 'b', pid: process.pid };
  },
  'Pin::C': () => ({ ran: 'c' }),
  'Pin::X': () => ({ ran: 'x' }),
  'Pin::Y': () => ({ ran: 'y' }),
};
`;

interface Worker {
  child: ChildProcess;
  output: () => string;
  stop: () => Promise<number | null>;
}

function startWorker(args: string[], gate: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), 'worker', ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', TASKER_LOG_LEVEL: 'warn', PIN_GATE: gate },
  });
  let out = '';
  const closed = new Promise<number | null>((r) => child.once('close', r));
  const worker: Worker = {
    child,
    output: () => out,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return closed;
    },
  };
  return new Promise((resolve, reject) => {
    const take = (d: Buffer) => {
      out += d.toString();
      if (/tasker worker \S+ running on/.test(out)) resolve(worker);
    };
    child.stdout!.on('data', take);
    child.stderr!.on('data', take);
    void closed.then((code) => reject(new Error(`worker exited with ${code} before it was ready:\n${out}`)));
  });
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_KINDS)('template versions with real processes ($kind)', ({ kind, make }) => {
  let db: TestDb;
  let dir: string;
  let store: Store | undefined;
  const workers: Worker[] = [];

  afterEach(async () => {
    for (const w of workers.splice(0)) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await store?.close();
    store = undefined;
    await db?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function setup(): { templates: string; handlers: string; gate: string } {
    db = make();
    dir = mkdtempSync(join(tmpdir(), 'tasker-pin-'));
    const templates = join(dir, 'templates');
    mkdirSync(templates);
    writeFileSync(join(templates, 'order.yaml'), V1);
    const handlers = join(dir, 'handlers.mjs');
    writeFileSync(handlers, HANDLERS);
    return { templates, handlers, gate: join(dir, 'gate') };
  }

  it('a running task finishes on its old definition after the YAML moved to v1.1.0 and every process restarted', async () => {
    const { templates, handlers, gate } = setup();
    const common = ['--db', db.url, '--templates', templates, '--handlers', handlers];
    const first = await startWorker([...common, '--migrate', '--drain-timeout-ms', '0'], gate);
    workers.push(first);
    const submitted = await runCli(['submit', 'pinned/order', '--db', db.url, '--templates', templates, '--json']);
    expect(submitted.stderr).toBe('');
    const { task_id } = JSON.parse(submitted.stdout) as { task_id: number };
    store = await openStore(db.url, { migrate: false });
    const s = store;
    await until(
      'step a done and b held at the gate',
      () => s.getTask(task_id),
      (t) => t?.workflow_steps.map((x) => x.current_state).join() === 'completed,running',
    );
    expect(await first.stop()).toBe(0);
    expect((await s.getTask(task_id))!.workflow_steps[1]!.current_state).toBe('pending');

    // the YAML moves on: v1.0.0 is gone, v1.1.0 has other steps
    rmSync(join(templates, 'order.yaml'));
    writeFileSync(join(templates, 'order-1.1.0.yaml'), V1_1);
    writeFileSync(gate, '');
    const second = await startWorker(common, gate);
    workers.push(second);
    const done = (await until(
      'the task to finish',
      () => s.getTask(task_id),
      (t) => t?.current_state === 'completed',
    ))!;
    expect(done.version).toBe('1.0.0');
    expect(done.workflow_steps.map((x) => [x.name, x.current_state, (x.results as { ran: string }).ran])).toEqual([
      ['a', 'completed', 'a'],
      ['b', 'completed', 'b'],
    ]);
    const history = await s.getHistory(task_id);
    expect(history.filter((h) => h.to_state === 'completed').map((h) => h.step_name)).toEqual(['a', 'b', null]);
    expect(second.output()).not.toMatch(/error/i);
    // new tasks come from v1.1.0
    const next = await runCli(['run', 'pinned/order', ...common, '--json']);
    expect(JSON.parse(next.stdout)).toMatchObject({ version: '1.1.0', current_state: 'completed' });
    expect(await second.stop()).toBe(0);
    expect((await s.definitions.listDefinitions()).map((d) => d.version)).toEqual(['1.0.0', '1.1.0']);
  });

  /** A store holding pinned/order@1.0.0 (from `tasker submit`), and the YAML then edited: step b's handler changed. */
  async function edited() {
    const { templates, handlers } = setup();
    const common = ['--db', db.url, '--templates', templates, '--handlers', handlers];
    const migrate = kind === 'postgres' ? ['--migrate'] : [];
    const first = await runCli(['submit', 'pinned/order', ...common, ...migrate, '--json']);
    expect(first.code).toBe(0);
    // only a comment and a description: no change
    writeFileSync(join(templates, 'order.yaml'), `# edited\n${V1.replace('description: an order', 'description: x')}`);
    expect((await runCli(['validate', templates, '--db', db.url])).code).toBe(0);
    writeFileSync(join(templates, 'order.yaml'), V1.replace('handler_class: Pin::B', 'handler_class: Pin::C'));
    return { templates, common };
  }

  const MESSAGE =
    /pinned\/order@1\.0\.0 differs from the definition stored on \d{4}-\d\d-\d\dT[\d:.]+Z; bump the version \(step_templates\[1\]\.handler_class changed\)/;

  it('refuses a YAML edited without a new version at load (worker, run) and in validate --db', async () => {
    const { templates, common } = await edited();
    const [worker, run, validate, plain] = await Promise.all([
      runCli(['worker', ...common]),
      runCli(['run', 'pinned/order', ...common]),
      runCli(['validate', templates, '--db', db.url]),
      runCli(['validate', templates]),
    ]);
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(MESSAGE);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(MESSAGE);
    expect(validate.code).toBe(1);
    expect(validate.stderr).toContain(join(templates, 'order.yaml'));
    expect(validate.stderr).toMatch(MESSAGE);
    expect(validate.stdout).not.toContain('ok  pinned/order@1.0.0');
    expect(plain.code).toBe(0); // without --db, as before
  });

  it('--allow-redefine replaces the stored definition on SQLite and is refused on PostgreSQL', async () => {
    const { templates, common } = await edited();
    const redefine = await runCli(['run', 'pinned/order', ...common, '--allow-redefine', '--json']);
    if (kind === 'postgres') {
      expect(redefine.code).toBe(2);
      expect(redefine.stderr).toContain('allowRedefine is refused on PostgreSQL');
      return;
    }
    expect(redefine.code).toBe(0);
    expect(JSON.parse(redefine.stdout).workflow_steps[1].results).toEqual({ ran: 'c' });
    expect((await runCli(['validate', templates, '--db', db.url])).code).toBe(0);
  });
});
