// The data of bench/prune-10m.ts: N tasks written straight into the real schema (created and migrated by the store)
// by generate_series INSERT … SELECT statements, a million tasks at a time, with the secondary indexes dropped during
// the load and rebuilt after it (what a bulk load does; the primary keys and unique constraints stay). The tasks look
// like four months of a busy deployment: created evenly over the last 120 days (oldest first), each a two-step chain
// a -> b with its edge and the history rows the engine writes (6 for a completed task, 4 for a failed or cancelled
// one, 1 for a running one); 90% completed, 7% failed, 2% cancelled (finished up to 10 minutes after creation), the
// newest 0.1% (at least 5,000) running with step a claimable (a ready backlog for the claim); an annotation on 1%, an idempotency key
// on 10%, a region tag on each.
import type pg from 'pg';
import type { SchemaNames } from '../src/store/postgres/sql.js';

export const CHUNK = 1_000_000;
export const DAYS = 120;

/** The state, creation and end time of task i of n (the same expressions in every statement). */
const TASK_OF = `
  CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', now() - interval '${DAYS} days'
                                        + (i::float8 / $3::float8) * interval '${DAYS} days') AS at) c
  CROSS JOIN LATERAL (SELECT CASE WHEN i > $3::float8 - greatest($3::float8 / 1000, 5000) THEN 'running'
                                  WHEN i % 100 < 7 THEN 'failed'
                                  WHEN i % 100 < 9 THEN 'cancelled'
                                  ELSE 'completed' END AS state) s
  CROSS JOIN LATERAL (SELECT CASE WHEN s.state <> 'running' THEN c.at + (i % 600) * interval '1 second' END AS ended) e`;

const tasks = (n: SchemaNames) => `
INSERT INTO ${n.q}.tasks (task_id, namespace, name, version, state, context, initiator, tags, idempotency_key,
                          correlation_id, step_count, open_steps, satisfied_steps, created_at, started_at, completed_at)
OVERRIDING SYSTEM VALUE
SELECT i, 'ns' || (i % 10), 'template_' || (i % 50 / 10), '1.0.0', s.state, jsonb_build_object('order_id', i), 'bench',
       ARRAY['region-' || (ARRAY['eu', 'us', 'apac'])[1 + i % 3]],
       CASE WHEN i % 10 = 3 THEN 'order-' || i END,
       substr(md5(i::text), 1, 8) || '-' || substr(md5(i::text), 9, 4) || '-' || substr(md5(i::text), 13, 4) || '-'
         || substr(md5(i::text), 17, 4) || '-' || substr(md5(i::text), 21, 12),
       2, CASE WHEN s.state = 'running' THEN 1 ELSE 0 END, CASE WHEN s.state = 'completed' THEN 2 ELSE 0 END,
       c.at, CASE WHEN s.state <> 'running' THEN c.at END, e.ended
  FROM generate_series($1::bigint, $2::bigint) AS i ${TASK_OF}`;

const steps = (n: SchemaNames) => `
INSERT INTO ${n.q}.steps (step_id, task_id, name, handler_class, depends_on, state, unmet, attempts, retry_limit,
                          retryable, skippable, results, error, ready_at, started_at, completed_at, duration_ms)
OVERRIDING SYSTEM VALUE
SELECT 2 * i - 1 + k, i, x.name, 'Bench::' || upper(x.name) || 'Handler', x.deps, x.state, x.unmet, x.attempts, 3, true,
       false, x.results, x.error, x.ready_at, x.started, x.ended, x.duration
  FROM generate_series($1::bigint, $2::bigint) AS i ${TASK_OF}
 CROSS JOIN generate_series(0, 1) AS k
 CROSS JOIN LATERAL (SELECT
       CASE k WHEN 0 THEN 'a' ELSE 'b' END AS name,
       CASE k WHEN 0 THEN '{}'::text[] ELSE '{a}'::text[] END AS deps,
       CASE WHEN s.state = 'completed' THEN 'completed' WHEN s.state = 'cancelled' THEN 'cancelled'
            WHEN s.state = 'failed' AND k = 0 THEN 'failed' ELSE 'pending' END AS state,
       CASE WHEN k = 1 AND s.state IN ('running', 'failed') THEN 1 ELSE 0 END AS unmet,
       CASE WHEN s.state = 'completed' THEN 1 WHEN s.state = 'failed' AND k = 0 THEN 3 ELSE 0 END AS attempts,
       CASE WHEN s.state = 'completed' THEN jsonb_build_object('ok', i) END AS results,
       CASE WHEN s.state = 'failed' AND k = 0 THEN '{"message":"declined","class":"PermanentError"}'::jsonb END AS error,
       CASE WHEN s.state = 'running' AND k = 0 THEN c.at END AS ready_at,
       CASE WHEN s.state IN ('completed', 'failed') AND (k = 0 OR s.state = 'completed') THEN c.at END AS started,
       CASE WHEN s.state IN ('completed', 'failed', 'cancelled') AND (k = 0 OR s.state <> 'failed') THEN e.ended END
         AS ended,
       CASE WHEN s.state = 'completed' THEN 40 + i % 200 END AS duration) x`;

const edges = (n: SchemaNames) => `
INSERT INTO ${n.q}.step_edges (parent_step_id, child_step_id)
SELECT 2 * i - 1, 2 * i FROM generate_series($1::bigint, $2::bigint) AS i`;

/** The history rows the engine writes for each task and step, read back from the chunk's rows. */
const transitions = (n: SchemaNames) => `
INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
SELECT task_id, NULL::bigint, 'pending', 'running', created_at, 'submitted', NULL::integer, 'bench'
  FROM ${n.q}.tasks WHERE task_id BETWEEN $1 AND $2
UNION ALL
SELECT task_id, step_id, 'pending', 'running', started_at, 'claimed', 1, 'bench'
  FROM ${n.q}.steps WHERE task_id BETWEEN $1 AND $2 AND started_at IS NOT NULL
UNION ALL
SELECT task_id, step_id, CASE WHEN state = 'cancelled' THEN 'pending' ELSE 'running' END, state, completed_at,
       CASE WHEN state = 'cancelled' THEN 'task cancelled' ELSE 'finished' END, NULLIF(attempts, 0), 'bench'
  FROM ${n.q}.steps WHERE task_id BETWEEN $1 AND $2 AND completed_at IS NOT NULL
UNION ALL
SELECT task_id, NULL, 'running', state, completed_at, 'finished', NULL, 'bench'
  FROM ${n.q}.tasks WHERE task_id BETWEEN $1 AND $2 AND completed_at IS NOT NULL`;

const annotations = (n: SchemaNames) => `
INSERT INTO ${n.q}.annotations (task_id, annotation_type, content, created_at)
SELECT task_id, 'audit', jsonb_build_object('checked', true), completed_at
  FROM ${n.q}.tasks WHERE task_id BETWEEN $1 AND $2 AND task_id % 100 = 0 AND completed_at IS NOT NULL`;

interface Index {
  name: string;
  def: string;
}

/** The schema's indexes that back no constraint: dropped before the load, rebuilt after it. */
async function secondaryIndexes(client: pg.Client, n: SchemaNames): Promise<Index[]> {
  const { rows } = await client.query<Index>(
    `SELECT i.indexname AS name, i.indexdef AS def FROM pg_indexes i
      WHERE i.schemaname = $1
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
      ORDER BY i.tablename, i.indexname`,
    [n.schema],
  );
  return rows;
}

/** Load `total` tasks into the empty, migrated schema; `log` gets one line per step with its time. */
export async function fill(client: pg.Client, n: SchemaNames, total: number, log: (s: string) => void): Promise<void> {
  const timed = async (what: string, work: () => Promise<unknown>) => {
    const t = Date.now();
    await work();
    log(`${what} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  };
  await client.query(`SET synchronous_commit = off`);
  await client.query(`SET maintenance_work_mem = '1GB'`);
  const indexes = await secondaryIndexes(client, n);
  for (const ix of indexes) await client.query(`DROP INDEX ${n.q}.${ix.name}`);
  for (let lo = 1; lo <= total; lo += CHUNK) {
    const hi = Math.min(total, lo + CHUNK - 1);
    const range = [lo, hi, total];
    await timed(`tasks ${lo}-${hi}: tasks, steps, edges, history, annotations`, async () => {
      await client.query(tasks(n), range);
      await client.query(steps(n), range);
      await client.query(edges(n), [lo, hi]);
      await client.query(transitions(n), [lo, hi]);
      await client.query(annotations(n), [lo, hi]);
    });
  }
  await client.query(`ALTER TABLE ${n.q}.tasks ALTER COLUMN task_id RESTART WITH ${total + 1}`);
  await client.query(`ALTER TABLE ${n.q}.steps ALTER COLUMN step_id RESTART WITH ${2 * total + 1}`);
  for (const ix of indexes) await timed(`index ${ix.name}`, () => client.query(ix.def));
  for (const table of ['tasks', 'steps', 'step_edges', 'transitions', 'annotations'])
    await timed(`VACUUM ANALYZE ${table}`, () => client.query(`VACUUM ANALYZE ${n.q}.${table}`));
}

/**
 * A --reuse run whose backlog earlier runs claimed away: `count` new running tasks after the newest one (the same
 * statements, numbered so that every one of them falls in the running share), each with step a claimable.
 */
export async function addBacklog(client: pg.Client, n: SchemaNames, count: number): Promise<void> {
  const max = Number(
    (await client.query<{ max: string }>(`SELECT max(task_id) AS max FROM ${n.q}.tasks`)).rows[0]!.max,
  );
  const range = [max + 1, max + count, max + count];
  await client.query(tasks(n), range);
  await client.query(steps(n), range);
  await client.query(edges(n), range.slice(0, 2));
  await client.query(transitions(n), range.slice(0, 2));
  await client.query(`ALTER TABLE ${n.q}.tasks ALTER COLUMN task_id RESTART WITH ${max + count + 1}`);
  await client.query(`ALTER TABLE ${n.q}.steps ALTER COLUMN step_id RESTART WITH ${2 * (max + count) + 1}`);
  await client.query(`ANALYZE ${n.q}.steps`);
}
