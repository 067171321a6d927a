// Warming the pool when the store opens. A new PostgreSQL connection's first statements are slow: its backend loads
// the catalog entries of every table and index a statement touches, plans each foreign-key check and each statement
// inside the completion function (PL/pgSQL compiles a function on its first call in a session), and parses the
// store's named statements. On a quiet machine that is about 8 ms for the first completion alone, against 2 on a warm
// connection (bench/micro/pg-cold-connection.ts), and more when several connections open at once on a busy one, which is what
// the first submissions and completions after a start meet: a slow first statement makes the pool open another cold
// connection for the next request, and so on.
// So the store opens `count` connections before it is used and, on each, rehearses the hot path in a transaction it
// rolls back: it creates a task with the one-statement creation (three steps, the third after the first two), claims
// two steps, completes both in one call (the completion function's batch path, which readies and claims the third),
// then completes the third alone (its one-outcome path, which finishes the task). The creation's NOTIFY is never
// sent, and no row of it is ever visible; what is left are the statements prepared on the connection, the plans
// cached in its session and the sequence values the rows took. The rehearsal task has a namespace of its own and
// every claim in it is limited to that namespace, so it never takes another task's step. The batch creation's two
// statements are only planned (PREPARE, EXPLAIN EXECUTE with NULL arguments, DEALLOCATE). Best effort: a part that
// fails is logged (the rehearsal as a warning) and skipped; a connection whose transaction could not be rolled back
// is closed.
import type pg from 'pg';
import type { ClaimedStep, NewStep, NewTask } from '../../core/store-contract.js';
import type { Logger } from '../../telemetry/logger.js';
import { planNewTask } from '../shared/task-plan.js';
import { claimSteps } from './claim.js';
import { completeSteps, encodeOutcome } from './complete.js';
import type { PgContext } from './context.js';
import { createTaskAtOnce, encodeTask } from './create-task.js';
import type { NamedStatement } from './pool.js';

/** The rehearsal's namespace and worker: no template can have it (namespaces are names without spaces). */
const REHEARSAL_NAMESPACE = 'tasker warm-up';
const REHEARSAL_WORKER = 'tasker warm-up';
const LEASE_MS = 60_000;

/** Open `count` connections of the pool and get each ready for the hot path; they stay in the pool, idle. */
export async function warmConnections(ctx: PgContext, count: number): Promise<void> {
  if (count <= 0) return;
  const started = performance.now();
  const clients: pg.PoolClient[] = [];
  const broken = new Set<pg.PoolClient>();
  try {
    for (let i = 0; i < count; i++) clients.push(await ctx.pool.connect());
    await Promise.all(
      clients.map((c) =>
        warmOne(c, ctx).catch((err: unknown) => {
          broken.add(c); // its transaction may still be open: the pool drops it instead of handing it out
          ctx.logger.debug({ err }, 'could not warm a new connection; it is closed');
        }),
      ),
    );
  } finally {
    for (const c of clients) c.release(broken.has(c));
  }
  const ms = Math.round(performance.now() - started);
  ctx.logger.debug(
    { connections: clients.length - broken.size, ms },
    'PostgreSQL connections readied for the hot path',
  );
}

/** Rehearse, then plan the batch creation; throws only when the connection cannot be trusted (see warmConnections). */
async function warmOne(client: pg.PoolClient, ctx: PgContext): Promise<void> {
  await client.query('BEGIN');
  try {
    await rehearse(client, ctx);
  } catch (err) {
    ctx.logger.warn({ err }, 'the warm-up rehearsal failed on a new connection; its first statements will be slower');
  }
  await client.query('ROLLBACK');
  for (const statement of [ctx.sql.insertTasks, ctx.sql.insertStepsOf]) await planOnly(client, statement, ctx.logger);
}

/** The hot path on this connection, inside its open transaction (see the header). */
async function rehearse(client: pg.PoolClient, ctx: PgContext): Promise<void> {
  const task = rehearsalTask();
  const created = await createTaskAtOnce(ctx, task, planNewTask(task), encodeTask(task), client);
  if (!created) throw new Error('internal: the rehearsal task did not take the one-statement creation');
  const claim = { limit: 1, leaseMs: LEASE_MS, namespaces: [REHEARSAL_NAMESPACE] };
  const roots = await claimSteps(ctx, { ...claim, workerId: REHEARSAL_WORKER, limit: 2 }, client);
  expectSteps('its first claim', roots, ['a', 'b']);
  const done = (s: ClaimedStep) =>
    encodeOutcome({ type: 'completed', step_id: s.step_id, task_id: s.task.task_id, attempt: s.attempt, results: {} });
  const batch = await completeSteps(ctx, roots.map(done), { workerId: REHEARSAL_WORKER, claim }, client);
  expectSteps("the batch completion's claim", batch.claimed, ['c']);
  const last = await completeSteps(ctx, batch.claimed.map(done), { workerId: REHEARSAL_WORKER, claim }, client);
  if (last.finalized.length !== 1) throw new Error('internal: the rehearsal task did not finish');
}

/** The rehearsal goes on only with its own steps (its claims are limited to its namespace). */
function expectSteps(what: string, claimed: ClaimedStep[], names: string[]): void {
  const got = claimed.map((s) => `${s.task.namespace}/${s.name}`).sort();
  const want = names.map((n) => `${REHEARSAL_NAMESPACE}/${n}`);
  if (got.join() !== want.join()) throw new Error(`internal: the rehearsal's ${what} took ${got.join(', ')}`);
}

function rehearsalTask(): NewTask {
  const step = (name: string, depends_on: string[]): NewStep => ({
    name,
    handler_class: 'Tasker::WarmUp',
    depends_on,
    retry_limit: 0,
    retryable: false,
    timeout_ms: null,
    skippable: false,
    initial_state: 'pending',
  });
  return {
    namespace: REHEARSAL_NAMESPACE,
    name: 'rehearsal',
    version: '0.0.0',
    context: {},
    initiator: REHEARSAL_WORKER,
    source_system: null,
    reason: null,
    tags: [],
    idempotency_key: null,
    correlation_id: 'tasker-warm-up',
    steps: [step('a', []), step('b', []), step('c', ['a', 'b'])],
  };
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
