// SQLite shared by several processes: three claimer processes on one file never get the same step, every task
// completes, and a store sees other connections' commits as wake-ups.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { diamond, newTask, waitFor } from './conformance/fixtures.js';

const CLAIMER = join(import.meta.dirname, 'sqlite-fixtures', 'claimer.ts');

function runClaimer(path: string, workerId: string): Promise<number[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLAIMER, path, workerId], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`claimer ${workerId} exited ${code}: ${err}`));
      resolve(
        out
          .split('\n')
          .filter(Boolean)
          .flatMap((line) => JSON.parse(line) as number[]),
      );
    });
  });
}

describe('sqlite shared by processes', () => {
  let dir: string;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-mp-'));
    store = await openSqliteStore(join(dir, 'shared.db'));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('three processes claim disjoint steps and finish every task', async () => {
    for (let i = 0; i < 60; i++) await store.createTask(newTask(diamond()));
    const runs = await Promise.all(['p1', 'p2', 'p3'].map((w) => runClaimer(join(dir, 'shared.db'), w)));
    const all = runs.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(240);
    expect((await store.stats()).tasks_by_state).toEqual({ completed: 60 });
    const histories = await Promise.all(
      (await store.listTasks({ limit: 100 })).tasks.map((t) => store.getHistory(t.task_id)),
    );
    for (const h of histories) expect(h.filter((r) => r.to_state === 'running' && r.step_id !== null)).toHaveLength(4);
  }, 120_000);

  it('wakes listeners when another connection commits', async () => {
    const other = await openSqliteStore(join(dir, 'shared.db'));
    try {
      let wakes = 0;
      const stop = store.onWake(() => (wakes += 1));
      await other.createTask(newTask(diamond()));
      await waitFor(async () => wakes > 0, 'a wake-up');
      stop();
      const seen = wakes;
      await other.createTask(newTask(diamond()));
      await new Promise((r) => setTimeout(r, 500));
      expect(wakes).toBe(seen);
    } finally {
      await other.close();
    }
  });
});
