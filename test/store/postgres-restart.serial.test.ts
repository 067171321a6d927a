// A PostgreSQL restart in the middle of work must not crash the process: the in-flight query fails with an error
// isTransientDbError recognises, idle-connection errors are logged, and afterwards queries succeed and the LISTEN
// connection is back (it emits a wake on reconnecting, then delivers notifications again). Self-contained: it
// restarts the local cluster with pg_ctlcluster and makes sure the server is up again at its end.
// Restarting the shared server disturbs every other PostgreSQL test, so this is a `.serial.test.ts`: excluded from
// the parallel phase, run alone by vitest.serial.config.ts (npm test runs both phases).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import type { PostgresStore } from '../../src/store/postgres/postgres-store.js';
import { isTransientDbError } from '../../src/store/postgres/transient-errors.js';
import { newTask, ok, step, waitFor } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const LEASE = 60_000;
const run = promisify(execFile);
const schema = `restart_${Math.random().toString(36).slice(2, 10)}`;
const opened: PostgresStore[] = [];

async function pgctl(action: 'restart' | 'start'): Promise<void> {
  await run('sh', ['-c', `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main ${action}`], {
    timeout: 120_000,
  });
}

async function serverUp(): Promise<boolean> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
  if (!(await serverUp())) await pgctl('start').catch(() => undefined);
  await waitFor(serverUp, 'PostgreSQL back up', 60_000);
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`);
  await client.end();
}, 120_000);

describe('PostgreSQL store across a server restart', () => {
  it('recovers after the server restarts mid-run: transient errors, then queries and LISTEN work again', async () => {
    const logged: Array<{ level: number; msg: string }> = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const store = await openPostgresStore(PG_URL, { schema, poolSize: 4, logger });
    const other = await openPostgresStore(PG_URL, { schema, poolSize: 2 });
    opened.push(store, other);

    const first = await store.createTask(newTask([step('a'), step('b', ['a'])]));
    let wakes = 0;
    store.onWake(() => (wakes += 1));
    await store.wakeReady();
    await Promise.all([store.ping(), store.ping(), store.ping(), store.ping()]); // idle connections in the pool
    const [a] = await store.claimSteps({ workerId: 'w', limit: 1, leaseMs: LEASE });
    expect(a!.name).toBe('a');

    const inFlight = store.pool.query('SELECT pg_sleep(60)').then(
      () => null,
      (err: unknown) => err,
    );
    const wakesBeforeRestart = wakes;
    // Keep querying while the server goes down and comes back, as a worker's heartbeat would.
    const failures: unknown[] = [];
    let restarting = true;
    const pinger = (async () => {
      while (restarting) {
        await store.ping().catch((err: unknown) => failures.push(err));
        await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await pgctl('restart');
    restarting = false;
    await pinger;

    const inFlightError = await inFlight;
    expect(inFlightError).toBeInstanceOf(Error);
    expect(isTransientDbError(inFlightError)).toBe(true);

    // Until every pooled connection is replaced, calls may fail; each failure must be recognisably transient.
    const recovered = async (): Promise<boolean> => {
      try {
        await store.ping();
        return true;
      } catch (err) {
        failures.push(err);
        return false;
      }
    };
    await waitFor(recovered, 'a successful query after the restart', 60_000);
    expect(failures.filter((f) => !isTransientDbError(f))).toEqual([]);

    // The work in progress continues: the held step completes and its child becomes claimable.
    const done = await store.completeSteps([ok(a!)], { workerId: 'w', claim: { limit: 5, leaseMs: LEASE } });
    expect(done.applied).toEqual([a!.step_id]);
    expect(done.claimed.map((c) => c.name)).toEqual(['b']);
    const finished = await store.completeSteps(
      done.claimed.map((c) => ok(c)),
      { workerId: 'w' },
    );
    expect(finished.finalized.map((f) => f.task_id)).toEqual([first.task_id]);

    // LISTEN came back: one wake on reconnecting, then real notifications from another store.
    await waitFor(async () => wakes > wakesBeforeRestart, 'a wake after the LISTEN connection reconnects', 60_000);
    const wakesAfterReconnect = wakes;
    await waitFor(
      async () => {
        await other.createTask(newTask([step('x')]));
        await new Promise((r) => setTimeout(r, 100));
        return wakes > wakesAfterReconnect;
      },
      'a notification through the re-established LISTEN',
      60_000,
    );
    expect(logged.some((l) => /LISTEN connection lost/.test(l.msg))).toBe(true);
    expect(logged.some((l) => /LISTEN connection re-established/.test(l.msg))).toBe(true);
  }, 180_000);
});
