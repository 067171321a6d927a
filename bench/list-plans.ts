// Query plans of the task list (and of the stats' activity query) at scale on PostgreSQL: fills a fresh schema with
// 1,000,000 tasks (one generate_series INSERT: 50 templates, a month of creation times, mostly completed, tags,
// idempotency keys on 30%) and two history rows each, then prints EXPLAIN (ANALYZE, BUFFERS) of the list statements
// the store sends for typical filters — as a first execution plans them (custom plan) and, for the shapes the store
// prepares, as the prepared statement may after five executions (generic plan; tag and q shapes are planned per call)
// — and a summary table: execution time, rows returned, shared buffers and the scans of each plan.
//
//   npx tsx bench/list-plans.ts [--rows 1000000] [--keep] [--quiet]
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { TaskListFilter } from '../src/core/store-contract.js';
import { openStore } from '../src/store/open-store.js';
import { schemaNames } from '../src/store/postgres/sql.js';
import { listTasksQuery } from '../src/store/postgres/sql/list-tasks.js';
import { readActivity } from '../src/store/postgres/sql/activity.js';
import { tasksByState } from '../src/store/postgres/sql/stats.js';
import { normalizeListFilter } from '../src/store/shared/list-query.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const SCHEMA = 'bench_list_plans';
const n = schemaNames(SCHEMA);

const { values: args } = parseArgs({
  options: { rows: { type: 'string', default: '1000000' }, keep: { type: 'boolean' }, quiet: { type: 'boolean' } },
});
const ROWS = Number(args.rows);
if (!Number.isSafeInteger(ROWS) || ROWS < 1000)
  throw new Error(`--rows must be a whole number >= 1000, got ${args.rows}`);

/**
 * One INSERT … SELECT: 50 templates, created over the last 30 days (oldest first), ~90% finished (8% failed), the
 * newest 0.5% running; tags: a region each, `vip` on about 1% (independent of the state).
 */
const fillTasks = `
INSERT INTO ${n.q}.tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                          idempotency_key, correlation_id, step_count, open_steps, satisfied_steps,
                          created_at, started_at, completed_at)
SELECT 'ns' || (i % 10), 'template_' || (i % 50 / 10), '1.0.0', s.state, jsonb_build_object('n', i), 'bench', NULL, NULL,
       ARRAY['region-' || (ARRAY['eu', 'us', 'apac'])[1 + i % 3]]
         || CASE WHEN i % 101 = 0 THEN ARRAY['vip'] ELSE ARRAY[]::text[] END,
       CASE WHEN i % 10 < 3 THEN 'order-' || i END,
       substr(md5(i::text), 1, 8) || '-' || substr(md5(i::text), 9, 4) || '-' || substr(md5(i::text), 13, 4) || '-'
         || substr(md5(i::text), 17, 4) || '-' || substr(md5(i::text), 21, 12),
       4, CASE WHEN s.state = 'running' THEN 2 ELSE 0 END, CASE WHEN s.state = 'completed' THEN 4 ELSE 2 END,
       c.at, c.at, CASE WHEN s.state <> 'running' THEN c.at + (i % 600) * interval '1 second' END
  FROM generate_series(1, $1::integer) AS i
 CROSS JOIN LATERAL (SELECT date_trunc('milliseconds', now() - interval '30 days'
                                        + (i::float8 / $1) * interval '30 days') AS at) c
 CROSS JOIN LATERAL (SELECT CASE WHEN i > $1 - $1 / 200 THEN 'running'
                                 WHEN i % 100 < 8 THEN 'failed'
                                 WHEN i % 100 < 10 THEN 'cancelled'
                                 ELSE 'completed' END AS state) s`;

/** Task rows of the history: started, and how it ended; a retry row for 5% of the tasks. */
const fillHistory = `
INSERT INTO ${n.q}.transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor)
SELECT t.task_id, NULL::bigint, 'pending', 'running', t.created_at, 'created', NULL::integer, 'bench' FROM ${n.q}.tasks t
UNION ALL
SELECT t.task_id, NULL, 'running', t.state, t.completed_at, 'finished', NULL, 'bench' FROM ${n.q}.tasks t
 WHERE t.completed_at IS NOT NULL
UNION ALL
SELECT t.task_id, t.task_id * 10, 'running', 'retrying', t.created_at + interval '1 second', 'retry scheduled', 1, 'bench'
  FROM ${n.q}.tasks t WHERE t.task_id % 20 = 0`;

function literal(client: pg.Client, value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value))
    return client.escapeLiteral(`{${value.map((v) => `"${String(v).replace(/["\\]/g, '\\$&')}"`).join(',')}}`);
  return client.escapeLiteral(String(value));
}

interface Shape {
  title: string;
  filter: TaskListFilter;
}

interface Summary {
  title: string;
  mode: string;
  ms: number;
  rows: number;
  buffers: string;
  scans: string;
}

/**
 * The store plans tag and q shapes per call (unnamed statements): only their custom plan ever runs. A tag shape is
 * a walk over the newest rows first, and a collect of every tagged task when the walk did not fill the page.
 */
async function explain(client: pg.Client, shape: Shape, summaries: Summary[], quiet: boolean): Promise<void> {
  const f = normalizeListFilter(shape.filter);
  if (f.tags === null) {
    const { statement, params } = listTasksQuery(n, f);
    const modes = f.q !== null ? (['custom'] as const) : (['custom', 'generic'] as const);
    await plan(client, shape.title, statement.text, params, summaries, quiet, modes);
    return;
  }
  const walk = listTasksQuery(n, f, 'walk');
  const rows = await plan(client, `${shape.title}: walk`, walk.statement.text, walk.params, summaries, quiet, [
    'custom',
  ]);
  if (rows > f.limit) return;
  const all = listTasksQuery(n, f, 'collect');
  await plan(client, `${shape.title}: then collect`, all.statement.text, all.params, summaries, quiet, ['custom']);
}

async function plan(
  client: pg.Client,
  title: string,
  text: string,
  params: unknown[],
  summaries: Summary[],
  quiet: boolean,
  modes: ReadonlyArray<'custom' | 'generic'> = ['custom', 'generic'],
): Promise<number> {
  let rows = 0;
  await client.query(`PREPARE bench_plan AS ${text}`);
  try {
    const args = params.length ? `(${params.map((p) => literal(client, p)).join(', ')})` : '';
    for (const mode of modes) {
      await client.query(`SET plan_cache_mode = force_${mode}_plan`);
      const res = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_plan${args}`);
      const lines = res.rows.map((r) => r['QUERY PLAN']);
      if (!quiet) console.log(`\n-- ${title} (${mode} plan)\n${lines.join('\n')}`);
      const text = lines.join('\n');
      const ms = Number(/Execution Time: ([0-9.]+) ms/.exec(text)?.[1] ?? NaN);
      rows = Number(/actual time=[0-9.]+\.\.[0-9.]+ rows=([0-9]+)/.exec(lines[0]!)?.[1] ?? 0);
      const buffers = /Buffers: shared (.*)/.exec(text)?.[1]?.trim() ?? '';
      const scan = /((?:Index Only Scan|Index Scan)(?: Backward)? using \w+|Bitmap Index Scan on \w+|Seq Scan on \w+)/g;
      const scans = [...new Set([...text.matchAll(scan)].map((m) => m[1]))].join('; ');
      summaries.push({ title, mode, ms, rows, buffers, scans });
    }
  } finally {
    await client.query('DEALLOCATE bench_plan');
    await client.query('RESET plan_cache_mode');
  }
  return rows;
}

async function main(): Promise<void> {
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${n.q} CASCADE`);
  const url = `${PG_URL}?schema=${SCHEMA}`;
  const store = await openStore(url); // creates and migrates the schema
  try {
    let t = Date.now();
    await admin.query(fillTasks, [ROWS]);
    await admin.query(fillHistory);
    await admin.query(`VACUUM ANALYZE ${n.q}.tasks`);
    await admin.query(`VACUUM ANALYZE ${n.q}.transitions`);
    console.log(`filled ${ROWS} tasks and their history in ${((Date.now() - t) / 1000).toFixed(1)} s`);

    const [mid] = (
      await admin.query<{ id: number; corr: string }>(
        `SELECT task_id::float8 AS id, correlation_id AS corr FROM ${n.q}.tasks WHERE task_id = $1`,
        [Math.floor(ROWS / 2)],
      )
    ).rows;
    const now = Date.now();
    const day = 86_400_000;
    const firstPage = await store.listTasks({ state: 'completed', limit: 50 });
    const shapes: Shape[] = [
      { title: 'newest first, no filter', filter: {} },
      { title: 'state = failed', filter: { state: 'failed' } },
      { title: 'state = running', filter: { state: 'running' } },
      { title: 'namespace + name', filter: { namespace: 'ns3', name: 'template_3' } },
      { title: 'tag = vip', filter: { tags: ['vip'] } },
      { title: 'tag = vip + state = failed', filter: { tags: ['vip'], state: 'failed' } },
      { title: 'tag = region-eu (a third of the tasks)', filter: { tags: ['region-eu'] } },
      { title: 'tag nobody has', filter: { tags: ['no-such-tag'] } },
      { title: 'q = idempotency key prefix', filter: { q: `order-${Math.floor(ROWS / 20)}` } },
      { title: 'q = correlation id prefix (8 chars)', filter: { q: mid!.corr.slice(0, 8) } },
      { title: 'q = correlation id prefix (2 chars, 1/256 of the tasks)', filter: { q: mid!.corr.slice(0, 2) } },
      { title: 'q = whole correlation id', filter: { q: mid!.corr } },
      { title: 'q = task id (digits)', filter: { q: String(mid!.id) } },
      { title: 'created between (one day)', filter: { created_after: now - 10 * day, created_before: now - 9 * day } },
      {
        title: 'second page via cursor (state = completed)',
        filter: { state: 'completed', cursor: firstPage.next_cursor },
      },
      { title: 'failed, by completed_at', filter: { state: 'failed', sort: 'completed_at' } },
    ];
    const summaries: Summary[] = [];
    t = Date.now();
    for (const shape of shapes) await explain(admin, shape, summaries, args.quiet === true);
    await plan(
      admin,
      'stats: tasks by state (store.stats)',
      tasksByState.render(n),
      [],
      summaries,
      args.quiet === true,
    );
    await plan(
      admin,
      'stats: activity of the last hour and day',
      readActivity.render(n),
      [],
      summaries,
      args.quiet === true,
    );
    console.log(`\nexplained ${shapes.length + 1} statements in ${((Date.now() - t) / 1000).toFixed(1)} s\n`);
    console.log('| Query | Plan | Execution | Rows | Buffers | Scans |');
    console.log('| --- | --- | ---: | ---: | --- | --- |');
    for (const s of summaries)
      console.log(`| ${s.title} | ${s.mode} | ${s.ms.toFixed(2)} ms | ${s.rows} | ${s.buffers} | ${s.scans} |`);
  } finally {
    await store.close();
    if (!args.keep) await admin.query(`DROP SCHEMA IF EXISTS ${n.q} CASCADE`);
    await admin.end();
  }
}

await main();
