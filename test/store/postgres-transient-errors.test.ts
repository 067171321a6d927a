// Which PostgreSQL errors are transient (back off and retry) and which are not, checked on real errors from a
// real server; and a pool whose connections are killed by the server logs it, stays usable, and never crashes.
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { isRetryableConflict, isTransientDbError } from '../../src/store/postgres/transient-errors.js';
import { newTask, step, waitFor } from './conformance/fixtures.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const schema = `transient_${Math.random().toString(36).slice(2, 10)}`;

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

async function withClient<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await withClient((c) => c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(schema)} CASCADE`));
});

describe('isTransientDbError', () => {
  it('recognises a refused connection', async () => {
    const client = new pg.Client({ connectionString: 'postgres://root@127.0.0.1:1/test' });
    const err = await caught(() => client.connect());
    expect((err as { code?: string }).code ?? (err as AggregateError).errors?.[0]?.code).toBe('ECONNREFUSED');
    expect(isTransientDbError(err)).toBe(true);
  });

  it('recognises a connection terminated by the server (57P01), and a deadlock as a retryable conflict', async () => {
    const victim = new pg.Client({ connectionString: PG_URL });
    victim.on('error', () => undefined);
    await victim.connect();
    const [{ pid }] = (await victim.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows as [{ pid: number }];
    const sleeping = caught(() => victim.query('SELECT pg_sleep(30)'));
    await withClient((c) => c.query('SELECT pg_terminate_backend($1)', [pid]));
    const err = await sleeping;
    expect(isTransientDbError(err)).toBe(true);
    await victim.end().catch(() => undefined);

    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    expect(isTransientDbError(deadlock)).toBe(true);
    expect(isRetryableConflict(deadlock)).toBe(true);
    expect(isTransientDbError(new Error('wrapped', { cause: deadlock }))).toBe(true);
  });

  it('does not call SQL, constraint or programming errors transient', async () => {
    const syntax = await withClient((c) => caught(() => c.query('SELEC 1')));
    expect((syntax as { code: string }).code).toBe('42601');
    expect(isTransientDbError(syntax)).toBe(false);
    const divByZero = await withClient((c) =>
      caught(() => c.query('SELECT * FROM (VALUES (1), (1)) v(x) WHERE 1 / (x - 1) = 0')),
    );
    expect(isTransientDbError(divByZero)).toBe(false);
    expect(isTransientDbError(new TypeError('x is undefined'))).toBe(false);
    expect(isTransientDbError(null)).toBe(false);
    expect(isTransientDbError('ECONNREFUSED')).toBe(false);
  });
});

describe('PostgreSQL store when the server kills its connections', () => {
  it('logs idle-connection errors instead of crashing, and the next calls succeed', async () => {
    const logged: Array<{ msg: string }> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => logged.push(JSON.parse(line)) });
    const store = await openPostgresStore(PG_URL, { schema, poolSize: 3, logger });
    try {
      // Check out all three connections at once to learn their server pids, then return them to the pool idle.
      const clients = await Promise.all([store.pool.connect(), store.pool.connect(), store.pool.connect()]);
      const pids = await Promise.all(
        clients.map(async (c) => (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid),
      );
      clients.forEach((c) => c.release());
      expect(store.pool.idleCount).toBe(3);
      await withClient((c) => c.query('SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid', [pids]));
      // Each of the three dead connections reports its own error; once all are logged the pool has dropped them all
      // (waiting for the first only let the next call, now and then, check out one not yet noticed as dead).
      await waitFor(
        async () => logged.filter((l) => /idle connection lost/.test(l.msg)).length === 3,
        'the three idle errors to be logged',
      );
      const created = await store.createTask(newTask([step('a')]));
      expect(created.created).toBe(true);
      expect((await store.getTask(created.task_id))!.current_state).toBe('running');
    } finally {
      await store.close();
    }
  });
});
