// `tasker worker --metrics-port 0` as real child processes on both stores: two workers share four tasks; each one's
// counters and histograms match what the store's history says that worker did (claims, completions, retries and
// failures by error class), and the store gauges match a direct read of the store, while steps are held in
// flight and after the run. A bad or taken metrics port exits 2 with the reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { Tasker } from '../../src/engine/tasker.js';
import { liveWorkers } from '../../src/engine/metrics/store-gauges.js';
import { STEP_STATES, TASK_STATES } from '../../src/core/states.js';
import type { TransitionRecord } from '../../src/core/store-contract.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REPO, runCli } from './cli-runner.js';

const TEMPLATE = `name: chain
namespace_name: metrics
version: 1.0.0
step_templates:
  - name: first
    handler_class: Metrics::First
  - name: flaky
    handler_class: Metrics::Flaky
    depends_on_step: first
    retry: { base: 0, jitter: 0 }
  - name: last
    handler_class: Metrics::Last
    depends_on_step: flaky
    default_retry_limit: 1
`;

const HANDLERS = `import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
class FlakyError extends Error {}
class BrokenError extends Error {}
export const handlers = {
  'Metrics::First': async () => { while (!existsSync(process.env.METRICS_GATE)) await sleep(20); return { ok: 1 }; },
  'Metrics::Flaky': (task, seq, step) => { if (step.attempts === 1) throw new FlakyError('first try'); return { ok: 2 }; },
  'Metrics::Last': (task) => { if (task.context.fail) throw new BrokenError('broken'); return { ok: 3 }; },
};
`;

interface Worker {
  child: ChildProcess;
  id: string;
  metricsUrl: string;
  output: () => string;
}

/** Prometheus text as a map of `name{labels}` to value. */
async function scrape(url: string): Promise<Map<string, number>> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const out = new Map<string, number>();
  for (const line of (await res.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

/** Sum of every series of `name` whose labels include all of `having` (e.g. `state="completed"`). */
function total(m: Map<string, number>, name: string, ...having: string[]): number {
  let sum = 0;
  for (const [key, v] of m) {
    const bare = key.split('{')[0];
    if (bare === name && having.every((h) => key.includes(h))) sum += v;
  }
  return sum;
}

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 300; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_KINDS)('tasker worker --metrics-port on $kind', ({ make }) => {
  let db: TestDb;
  let dir: string;
  let submitter: Tasker;
  const workers: Worker[] = [];

  beforeAll(async () => {
    db = make();
    dir = mkdtempSync(join(tmpdir(), 'tasker-worker-metrics-'));
    writeFileSync(join(dir, 'chain.yaml'), TEMPLATE);
    writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
    submitter = await Tasker.open({ db: db.url, templates: [dir], concurrency: 0, logLevel: 'warn' });
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
    await submitter?.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.cleanup();
  });

  /** The store's gauges as the metrics should show them. */
  async function expectGaugesMatchStore(m: Map<string, number>): Promise<void> {
    const s = await submitter.store.stats();
    for (const state of TASK_STATES) expect(m.get(`tasker_tasks{state="${state}"}`)).toBe(s.tasks_by_state[state] ?? 0);
    for (const state of STEP_STATES) expect(m.get(`tasker_steps{state="${state}"}`)).toBe(s.steps_by_state[state] ?? 0);
    expect(m.get('tasker_ready_steps')).toBe(s.ready_depth);
    expect(m.get('tasker_steps_waiting_for_worker')).toBe(s.waiting_for_worker);
    expect(m.get('tasker_oldest_ready_step_age_seconds')).toBe(s.oldest_ready_age_ms / 1000);
    expect(m.get('tasker_workers')).toBe(liveWorkers(s.workers, Date.now()));
    expect(m.get('tasker_store_counts_estimated')).toBe(0);
  }

  it('counts what each worker ran, and shows the store gauges, during and after a run', async () => {
    const gate = join(dir, 'gate');
    for (let i = 0; i < 2; i++) workers.push(await startWorkerWith(dir, db.url, gate));
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { task_id } = await submitter.submit({ namespace: 'metrics', name: 'chain', context: { fail: i === 3 } });
      ids.push(task_id);
    }
    // Every first step is claimed and held at the gate: the store stands still while the workers are scraped.
    await until(
      'the first steps to be held',
      () => submitter.store.stats(),
      (s) => s.steps_by_state.running === 4,
    );
    for (const w of workers) {
      const m = await scrape(w.metricsUrl);
      await expectGaugesMatchStore(m);
      expect(m.get('tasker_workers')).toBe(2);
      expect(m.get('tasker_steps{state="running"}')).toBe(4);
    }
    const during = await Promise.all(workers.map((w) => scrape(w.metricsUrl)));
    for (const m of during) expect(total(m, 'tasker_tasks_started_total', 'task="chain"')).toBe(2);
    for (const m of during) expect(total(m, 'tasker_claim_batch_size_sum')).toBe(2);
    // The heartbeat of a worker holding steps extends their leases.
    const holder = workers[during.findIndex((m) => total(m, 'tasker_claim_batch_size_sum') > 0)]!;
    await until(
      'a lease extension',
      () => scrape(holder.metricsUrl),
      (m) => total(m, 'tasker_lease_extensions_total') >= 1,
    );

    writeFileSync(gate, '');
    for (const id of ids) await submitter.waitForTask(id, { timeoutMs: 30_000 });
    const history: TransitionRecord[] = [];
    for (const id of ids) history.push(...(await submitter.getHistory(id)));
    // Step transitions written by this worker (task rows have no step)
    const by = (w: Worker, to: string) =>
      history.filter((t) => t.step_id !== null && t.actor === w.id && t.to_state === to);

    let completed = 0;
    for (const w of workers) {
      // The task's final transition is written by the worker that finished it: wait for its events to land.
      const m = await until(
        `worker ${w.id}'s counters`,
        () => scrape(w.metricsUrl),
        (x) => total(x, 'tasker_steps_total', 'state="completed"') === by(w, 'completed').length,
      );
      const claims = by(w, 'running').length;
      const retried = by(w, 'retrying');
      const failed = by(w, 'failed');
      expect(retried.every((t) => t.error?.class === 'FlakyError')).toBe(true);
      expect(failed.every((t) => t.error?.class === 'BrokenError')).toBe(true);
      expect(total(m, 'tasker_step_retries_total', 'error_class="FlakyError"', 'step="flaky"')).toBe(retried.length);
      expect(total(m, 'tasker_step_retries_total')).toBe(retried.length);
      expect(total(m, 'tasker_step_failures_total', 'error_class="BrokenError"', 'step="last"')).toBe(failed.length);
      expect(total(m, 'tasker_steps_total', 'state="failed"')).toBe(failed.length);
      expect(total(m, 'tasker_step_duration_seconds_count', 'namespace="metrics"', 'task="chain"')).toBe(claims);
      expect(total(m, 'tasker_claim_batch_size_sum')).toBe(claims);
      const outcomes = by(w, 'completed').length + retried.length + failed.length;
      expect(total(m, 'tasker_completion_batch_size_sum')).toBe(outcomes);
      expect(total(m, 'tasker_completion_batch_duration_seconds_count')).toBe(
        total(m, 'tasker_completion_batch_size_count'),
      );
      // Every claim, standalone or by a completion batch, carries its ready time: each has a queue lag.
      expect(total(m, 'tasker_step_queue_lag_seconds_count', 'task="chain"')).toBe(claims);
      completed += by(w, 'completed').length;
    }
    expect(completed).toBe(11);
    expect(workers.every((w) => by(w, 'completed').length > 0)).toBe(true);
    const after = await Promise.all(workers.map((w) => scrape(w.metricsUrl)));
    const sum = (name: string, ...having: string[]) => after.reduce((n, m) => n + total(m, name, ...having), 0);
    expect(sum('tasker_step_queue_lag_seconds_count')).toBeGreaterThanOrEqual(4);
    expect(sum('tasker_tasks_finished_total', 'state="completed"')).toBe(3);
    expect(sum('tasker_tasks_finished_total', 'state="failed"')).toBe(1);
    expect(sum('tasker_task_duration_seconds_count', 'task="chain"', 'state="completed"')).toBe(3);
    expect(sum('tasker_step_failures_total')).toBe(1);
    expect(sum('tasker_step_retries_total')).toBe(4);

    // Gauges are cached for a few seconds per process: each worker shows the finished store soon.
    for (const w of workers) {
      const s = await submitter.store.stats();
      const m = await until(
        'the gauges to show the finished run',
        () => scrape(w.metricsUrl),
        (x) => x.get('tasker_tasks{state="completed"}') === s.tasks_by_state.completed,
      );
      await expectGaugesMatchStore(m);
    }

    for (const w of workers) {
      const closed = new Promise((r) => w.child.once('close', r));
      w.child.kill('SIGTERM');
      await closed;
      expect(w.output()).toContain('tasker worker: stopped');
    }
  });
});

function startWorkerWith(dir: string, db: string, gate: string): Promise<Worker> {
  return startWorkerArgs(
    [
      'worker',
      '--db',
      db,
      '--templates',
      dir,
      '--handlers',
      join(dir, 'handlers.mjs'),
      '--lease-ms',
      '1500',
      // two each: both workers hold first steps at the gate, so both have work to count
      '--concurrency',
      '2',
      '--metrics-port',
      '0',
    ],
    gate,
  );
}

function startWorkerArgs(args: string[], gate: string): Promise<Worker> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', TASKER_LOG_LEVEL: 'warn', METRICS_GATE: gate },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const check = () => {
      const url = /metrics on (http:\/\/\S+\/metrics)/.exec(out);
      const id = /tasker worker (\S+) running on/.exec(out);
      if (url && id) resolve({ child, id: id[1]!, metricsUrl: url[1]!, output: () => out });
    };
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d.toString();
      check();
    });
    child.on('close', (code) => reject(new Error(`worker exited with ${code} before it was ready:\n${out}`)));
  });
}

describe('tasker worker --metrics-port refusals', () => {
  it('refuses a port that is no port, before opening anything', async () => {
    const res = await runCli(['worker', '--db', 'sqlite::memory:', '--metrics-port', '70000']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--metrics-port must be between 0 and 65535, got 70000');
  });

  it('says which address it cannot listen on, and exits', async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const { port } = taken.address() as AddressInfo;
    try {
      const res = await runCli(['worker', '--db', 'sqlite::memory:', '--metrics-port', String(port)]);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain(`cannot listen on 127.0.0.1:${port} for --metrics-port`);
    } finally {
      await new Promise((r) => taken.close(r));
    }
  });
});
