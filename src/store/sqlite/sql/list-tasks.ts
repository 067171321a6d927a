// listTasks on SQLite: one page of task summaries in keyset order over (sort value, task_id). The filters a call sets
// decide the WHERE clauses, so the text has one shape per combination of filters, sort, order and cursor (../reads.ts
// prepares each shape once). Unfinished tasks sort as if completed at NULL_SORT_VALUE. Parameters follow the clauses;
// the last one is the page size plus one. Tags are a JSON array column, matched with json_each.
import { NULL_SORT_VALUE, type NormalizedListFilter } from '../../shared/list-query.js';

const SORT_EXPR = {
  task_id: 'task_id',
  created_at: 'created_at',
  completed_at: `COALESCE(completed_at, ${NULL_SORT_VALUE})`,
} as const;

/** The SQL of one list page and its parameters. */
export function listTasksQuery(f: NormalizedListFilter): { sql: string; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, param: unknown): void => {
    where.push(condition);
    params.push(param);
  };
  if (f.namespace !== null) add('namespace = ?', f.namespace);
  if (f.name !== null) add('name = ?', f.name);
  if (f.version !== null) add('version = ?', f.version);
  if (f.states !== null) add('state IN (SELECT value FROM json_each(?))', JSON.stringify(f.states));
  if (f.created_after !== null) add('created_at > ?', f.created_after);
  if (f.created_before !== null) add('created_at < ?', f.created_before);
  for (const tag of f.tags ?? []) add('EXISTS (SELECT 1 FROM json_each(tasks.tags) WHERE value = ?)', tag);
  if (f.q !== null) {
    // exact id, or a correlation id / idempotency key in [from, to): BINARY order is code point order
    const range = (col: string) => (f.q!.to === null ? `${col} >= ?` : `(${col} >= ? AND ${col} < ?)`);
    const bounds = f.q.to === null ? [f.q.from] : [f.q.from, f.q.to];
    const alternatives = [range('correlation_id'), range('idempotency_key')];
    if (f.q.id !== null) alternatives.unshift('task_id = ?');
    where.push(`(${alternatives.join(' OR ')})`);
    params.push(...(f.q.id !== null ? [f.q.id] : []), ...bounds, ...bounds);
  }
  const key = SORT_EXPR[f.sort];
  const dir = f.order === 'asc' ? 'ASC' : 'DESC';
  if (f.cursor) {
    const cmp = f.order === 'asc' ? '>' : '<';
    if (f.sort === 'task_id') {
      where.push(`task_id ${cmp} ?`);
      params.push(f.cursor.task_id);
    } else {
      where.push(`(${key}, task_id) ${cmp} (?, ?)`);
      params.push(f.cursor.value, f.cursor.task_id);
    }
  }
  const order = f.sort === 'task_id' ? `task_id ${dir}` : `${key} ${dir}, task_id ${dir}`;
  const sql =
    'SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key, ' +
    'correlation_id, created_at, started_at, completed_at, step_count, run, priority, run_at, waiting_for, paused ' +
    'FROM tasks' +
    (where.length > 0 ? ` WHERE ${where.join(' AND ')}` : '') +
    ` ORDER BY ${order} LIMIT ?`;
  params.push(f.limit + 1);
  return { sql, params };
}
