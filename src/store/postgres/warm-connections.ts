// Warming the pool when the store opens. A new PostgreSQL connection's first statements are slow: its backend loads
// the catalog entries of every table and index a statement touches. That is about 5 ms per connection on a quiet
// machine (bench/micro/pg-cold-connection.ts), and tens of ms when several open at once on a busy one, which is what
// the first submissions and completions after a start meet: a slow first statement makes the pool open another cold
// connection for the next request, and so on.
// So the store opens `count` connections before it is used and, on each, plans the hot statements without running
// them (PREPARE, EXPLAIN EXECUTE with NULL arguments, DEALLOCATE): nothing is written, and the statements' own plan
// caches are left alone (running them here, with nothing to do, would make their first plans look cheap to
// PostgreSQL's choice between custom and generic plans). Best effort: a statement that fails to warm is logged and
// skipped.
import type pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import type { PgContext } from './context.js';
import type { NamedStatement } from './pool.js';

/** Open `count` connections of the pool and get each ready for the hot path; they stay in the pool, idle. */
export async function warmConnections(ctx: PgContext, count: number): Promise<void> {
  if (count <= 0) return;
  const clients: pg.PoolClient[] = [];
  try {
    for (let i = 0; i < count; i++) clients.push(await ctx.pool.connect());
    await Promise.all(clients.map((c) => warmOne(c, ctx)));
  } finally {
    for (const c of clients) c.release();
  }
}

async function warmOne(client: pg.PoolClient, ctx: PgContext): Promise<void> {
  const { sql, logger } = ctx;
  for (const statement of [sql.createTaskAtOnce, sql.insertTasks, sql.insertStepsOf, sql.claim, sql.completeSteps]) {
    await planOnly(client, statement, logger);
  }
}

/** Plan `statement` on this connection without running it (NULL for every parameter). */
async function planOnly(client: pg.PoolClient, statement: NamedStatement, logger: Logger): Promise<void> {
  const params = Math.max(0, ...Array.from(statement.text.matchAll(/\$(\d+)/g), (m) => Number(m[1])));
  const name = 'tasker_warm_up'; // one at a time on this connection, deallocated after each
  await attempt(logger, statement.name, async () => {
    await client.query(`PREPARE ${name} AS ${statement.text}`);
    try {
      await client.query(`EXPLAIN EXECUTE ${name}(${Array(params).fill('NULL').join(', ')})`);
    } finally {
      await client.query(`DEALLOCATE ${name}`);
    }
  });
}

async function attempt(logger: Logger, what: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    logger.debug({ err, statement: what }, 'could not warm a statement on a new connection');
  }
}
