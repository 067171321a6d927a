// PostgreSQL restarts in the middle of a run: the workers log the outage, reconnect and finish every task;
// nothing is lost. Runs in the serial phase because it restarts the shared server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { PG_URL, postgresDb, type TestDb } from '../support/stores.js';
import { ClusterFixture } from './cluster-fixture.js';

function restartPostgres(): void {
  const version = readdirSync('/etc/postgresql')[0]!;
  execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { stdio: 'ignore' });
}

async function waitForPostgres(): Promise<void> {
  for (let i = 0; i < 120; i++) {
    const c = new pg.Client({ connectionString: PG_URL });
    try {
      await c.connect();
      await c.query('SELECT 1');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    } finally {
      await c.end().catch(() => undefined);
    }
  }
  throw new Error('PostgreSQL did not come back');
}

describe('PostgreSQL restart during a run', () => {
  let db: TestDb;
  let fixture: ClusterFixture;
  let tasker: Tasker | undefined;
  beforeAll(() => {
    db = postgresDb();
    fixture = new ClusterFixture();
  });
  afterAll(async () => {
    await waitForPostgres();
    await tasker?.close();
    await fixture.cleanup();
    await db.cleanup();
  });

  it('workers reconnect and finish; every task completes and every step ran', async () => {
    tasker = await Tasker.open({
      db: db.url,
      logger: silentLogger(),
      templates: [fixture.templates],
      concurrency: 0,
      start: false,
    });
    const workers = [
      fixture.startWorker(db.url, { stepMs: 20, leaseMs: 3000 }),
      fixture.startWorker(db.url, { stepMs: 20, leaseMs: 3000 }),
    ];
    await Promise.all(workers.map((w) => fixture.ready(w)));
    const ids: number[] = [];
    for (let i = 0; i < 150; i++)
      ids.push((await tasker.submit({ namespace: 'cluster', name: 'diamond', context: { i } })).task_id);
    for (let i = 0; i < 400 && fixture.lines().filter((l) => l.kind === 'end').length < 100; i++)
      await new Promise((r) => setTimeout(r, 25));
    const before = fixture.lines().filter((l) => l.kind === 'end').length;
    expect(before).toBeLessThan(150 * 5); // the restart lands mid-run

    restartPostgres();
    await waitForPostgres();

    for (const id of ids) {
      let state = '';
      for (let attempt = 0; attempt < 5 && !state; attempt++) {
        try {
          state = (await tasker.waitForTask(id, { timeoutMs: 90_000, pollMs: 200 })).current_state;
        } catch (err) {
          if (!/terminat|connect|shutting down|Connection/i.test(String(err))) throw err;
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      expect(state).toBe('completed');
    }
    const starts = fixture.lines().filter((l) => l.kind === 'start');
    const distinct = new Set(starts.map((l) => `${l.task_id}:${l.step}`));
    expect(distinct.size).toBe(150 * 5); // every step ran (at least once: an attempt cut by the restart may rerun)
    // No run went unrecorded: each observed run is one of the step's counted attempts (an attempt whose claim
    // committed while the connection dropped may never have started, so there can be fewer runs than attempts).
    for (const id of ids.slice(0, 20)) {
      const task = (await tasker.getTask(id))!;
      for (const s of task.workflow_steps) {
        const ran = starts.filter((l) => l.task_id === id && l.step === s.name);
        expect(ran.length).toBeGreaterThanOrEqual(1);
        expect(ran.length).toBeLessThanOrEqual(s.attempts);
      }
    }
    expect(await fixture.stopAll()).toEqual([0, 0]);
    const logs = workers.map((w) => w.output()).join('\n');
    expect(logs).toMatch(/store operation failed|heartbeat failed|lease sweep failed|reconnect/i); // the outage was logged
  });
});
