// listTasks: one page of task summaries in keyset order over (sort value, task_id). The filters a call sets decide
// the WHERE clauses, so the text has one shape per combination of filters, sort, order and cursor, and each shape
// is its own named (prepared) statement. Tags use the GIN index (or the sort order's index, see TagPlan) and `q` the
// prefix indexes of migration 6. Unfinished tasks sort as if completed at +infinity (NULL_SORT_VALUE in
// cursors). Parameters are numbered in the order the clauses appear; the last one is the page size plus one.
import { createHash } from 'node:crypto';
import { NULL_SORT_VALUE, type NormalizedListFilter } from '../../shared/list-query.js';
import type { SearchRange } from '../../shared/search-range.js';
import type { NamedStatement } from '../pool.js';
import type { SchemaNames } from '../sql.js';

const TASK_COLUMNS = `t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused`;

const SORT_EXPR = {
  task_id: 't.task_id',
  created_at: 't.created_at',
  completed_at: `COALESCE(t.completed_at, 'infinity'::timestamptz)`,
} as const;

/** A cursor's sort value as a timestamptz parameter (times are stored at millisecond precision). */
function timeParam(value: number): string {
  return value >= NULL_SORT_VALUE ? 'infinity' : new Date(value).toISOString();
}

/** The earliest instant timestamptz holds (4714-11-24 BC), as epoch milliseconds. */
const PG_MIN_MS = -210_866_803_200_000;
/** The latest instant a JavaScript Date holds (275760-09-13 AD); timestamptz reaches further, to 294276 AD. */
const PG_MAX_MS = 8_640_000_000_000_000;

/**
 * A created_at bound as a timestamptz parameter. ISO text cannot express years before 1 or after 9999 to PostgreSQL,
 * so the bound goes as epoch seconds through to_timestamp; bounds beyond these ends are clamped to them, which
 * selects exactly the same rows (no stored time lies beyond them).
 */
function boundParam(param: (value: unknown, cast: string) => string, ms: number): string {
  return `to_timestamp(${param(Math.min(Math.max(ms, PG_MIN_MS), PG_MAX_MS) / 1000, 'float8')})`;
}

/**
 * `q`: the task id when it is all digits, or a correlation id or idempotency key in [from, to) — byte order with the
 * text_pattern_ops operators, which the prefix indexes of migration 6 serve whatever the database collation.
 */
function searchClause(param: (value: unknown, cast: string) => string, q: SearchRange): string {
  const byId = q.id === null ? [] : [`t.task_id = ${param(q.id, 'bigint')}`];
  const from = param(q.from, 'text');
  const to = q.to === null ? null : param(q.to, 'text');
  const range = (col: string) => (to === null ? `${col} ~>=~ ${from}` : `(${col} ~>=~ ${from} AND ${col} ~<~ ${to})`);
  return `(${[...byId, range('t.correlation_id'), range('t.idempotency_key')].join(' OR ')})`;
}

/** Rows of the sort order a `walk` plan reads at most before the tag filter gives up on it. */
const TAG_WALK_ROWS = 10_000;

/**
 * How a page with a tag filter is read (PostgreSQL estimates a tag it has no statistics for at a fixed share, so left
 * to itself it may walk the whole sort index for a tag no task has):
 * - `walk`: the newest TAG_WALK_ROWS rows of the sort order (with every other filter) and the tag filter on them —
 *   fast when the tag is common, and bounded whatever it is;
 * - `collect`: every task with the tags (GIN index, with the other filters), then sorted — fast when it is rare.
 * The store runs `walk` first and `collect` only when the walk did not fill the page.
 */
export type TagPlan = 'walk' | 'collect';

export function listTasksQuery(
  n: SchemaNames,
  f: NormalizedListFilter,
  tagPlan: TagPlan = 'walk',
): { statement: NamedStatement; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown, cast: string): string => {
    params.push(value);
    return `$${params.length}::${cast}`;
  };
  if (f.namespace !== null) where.push(`t.namespace = ${param(f.namespace, 'text')}`);
  if (f.name !== null) where.push(`t.name = ${param(f.name, 'text')}`);
  if (f.version !== null) where.push(`t.version = ${param(f.version, 'text')}`);
  if (f.states !== null) where.push(`t.state = ANY(${param(f.states, 'text[]')})`);
  if (f.created_after !== null) where.push(`t.created_at > ${boundParam(param, f.created_after)}`);
  if (f.created_before !== null) where.push(`t.created_at < ${boundParam(param, f.created_before)}`);
  // Only tagged tasks are in the tag index (migration 14): naming its predicate lets the planner use it.
  if (f.tags !== null && tagPlan === 'collect') {
    where.push(`t.tags @> ${param(f.tags, 'text[]')}`);
    if (f.tags.length > 0) where.push('cardinality(t.tags) > 0');
  }
  if (f.q !== null) where.push(searchClause(param, f.q));
  const key = SORT_EXPR[f.sort];
  const dir = f.order === 'asc' ? 'ASC' : 'DESC';
  if (f.cursor) {
    const cmp = f.order === 'asc' ? '>' : '<';
    if (f.sort === 'task_id') {
      where.push(`t.task_id ${cmp} ${param(f.cursor.task_id, 'bigint')}`);
    } else {
      where.push(
        `(${key}, t.task_id) ${cmp} (${param(timeParam(f.cursor.value), 'timestamptz')}, ${param(f.cursor.task_id, 'bigint')})`,
      );
    }
  }
  const order = f.sort === 'task_id' ? `t.task_id ${dir}` : `${key} ${dir}, t.task_id ${dir}`;
  const from = `FROM ${n.q}.tasks t` + (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '');
  let text: string;
  if (f.tags === null) {
    text = `SELECT ${TASK_COLUMNS} ${from} ORDER BY ${order} LIMIT ${param(f.limit + 1, 'integer')}`;
  } else {
    const outer = f.sort === 'task_id' ? `x.task_id ${dir}` : `x.sort_key ${dir}, x.task_id ${dir}`;
    const rows = `SELECT ${TASK_COLUMNS}, ${key} AS sort_key ${from}`;
    text =
      tagPlan === 'walk'
        ? `SELECT x.* FROM (${rows} ORDER BY ${order} LIMIT ${TAG_WALK_ROWS}) x` +
          ` WHERE x.tags @> ${param(f.tags, 'text[]')} ORDER BY ${outer} LIMIT ${param(f.limit + 1, 'integer')}`
        : `WITH x AS MATERIALIZED (${rows}) SELECT x.* FROM x ORDER BY ${outer} LIMIT ${param(f.limit + 1, 'integer')}`;
  }
  const digest = createHash('sha1').update(text).digest('hex').slice(0, 16);
  return { statement: { name: `tasker_list_${digest}`, text }, params };
}
