// listTasks input handling shared by both stores: filter validation, the sort whitelist, the opaque keyset cursor
// (base64url JSON of the last row's sort value and task_id, bound to the sort it was made for), and the search text
// `q` turned into an id and a prefix range (search-range.ts).
import { InvalidRequestError } from '../../core/errors.js';
import { TASK_STATES, type TaskState } from '../../core/states.js';
import { TASK_SORT_KEYS, type TaskListFilter, type TaskSortKey, type TaskSummary } from '../../core/store-contract.js';
import { searchRange, type SearchRange } from './search-range.js';

export const DEFAULT_LIST_LIMIT = 50;
export const MAX_LIST_LIMIT = 1000;
export const DEFAULT_SORT: TaskSortKey = 'created_at';
export const DEFAULT_ORDER: 'asc' | 'desc' = 'desc';
/**
 * Unfinished tasks have no completed_at; when sorting by it they sort as if finished at this (largest) time:
 * last in ascending order, first in descending order. Both stores sort by COALESCE(completed_at, NULL_SORT_VALUE).
 */
export const NULL_SORT_VALUE = Number.MAX_SAFE_INTEGER;
export const MAX_TAG_FILTERS = 20;

export interface ListCursor {
  sort: TaskSortKey;
  order: 'asc' | 'desc';
  /** The last row's sort value (COALESCEd for completed_at). */
  value: number;
  task_id: number;
}

export interface NormalizedListFilter {
  namespace: string | null;
  name: string | null;
  version: string | null;
  states: TaskState[] | null;
  created_after: number | null;
  created_before: number | null;
  /** Every one of these tags (deduplicated, in the order given). */
  tags: string[] | null;
  q: SearchRange | null;
  limit: number;
  sort: TaskSortKey;
  order: 'asc' | 'desc';
  cursor: ListCursor | null;
}

export function encodeCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.order, cursor.value, cursor.task_id])).toString('base64url');
}

export function decodeCursor(text: string): ListCursor {
  const bad = () => new InvalidRequestError(`invalid cursor "${text}": pass next_cursor from a previous page`);
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw bad();
  const [sort, order, value, taskId] = parsed as unknown[];
  if (!TASK_SORT_KEYS.includes(sort as TaskSortKey) || (order !== 'asc' && order !== 'desc')) throw bad();
  if (!Number.isSafeInteger(value) || !Number.isSafeInteger(taskId)) throw bad();
  return { sort: sort as TaskSortKey, order, value: value as number, task_id: taskId as number };
}

/** The sort value of a row as the cursor records it. */
export function sortValue(task: TaskSummary, sort: TaskSortKey): number {
  if (sort === 'task_id') return task.task_id;
  if (sort === 'created_at') return task.created_at;
  return task.completed_at ?? NULL_SORT_VALUE;
}

function optionalString(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new InvalidRequestError(`listTasks: ${field} must be a string`);
  return value;
}

/** The tags filter: 1..20 distinct non-empty strings without NUL; null when not given or empty. */
function optionalTags(value: unknown): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t === '' || t.includes('\u0000'))) {
    throw new InvalidRequestError('listTasks: tags must be an array of non-empty strings without NUL characters');
  }
  const tags = [...new Set(value as string[])];
  if (tags.length > MAX_TAG_FILTERS) {
    throw new InvalidRequestError(`listTasks: at most ${MAX_TAG_FILTERS} tags at once, got ${tags.length}`);
  }
  return tags.length ? tags : null;
}

function optionalTime(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new InvalidRequestError(`listTasks: ${field} must be epoch milliseconds, got ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * Validate a filter and fill in defaults. `created_after` / `created_before` are exclusive bounds on created_at;
 * a cursor must come from a page listed with the same sort and order.
 */
export function normalizeListFilter(filter: TaskListFilter = {}): NormalizedListFilter {
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_LIMIT) {
    throw new InvalidRequestError(`listTasks: limit must be an integer from 1 to ${MAX_LIST_LIMIT}, got ${limit}`);
  }
  const sort = filter.sort ?? DEFAULT_SORT;
  if (!TASK_SORT_KEYS.includes(sort)) {
    throw new InvalidRequestError(`listTasks: sort must be one of ${TASK_SORT_KEYS.join(', ')}, got "${sort}"`);
  }
  const order = filter.order ?? DEFAULT_ORDER;
  if (order !== 'asc' && order !== 'desc') {
    throw new InvalidRequestError(`listTasks: order must be "asc" or "desc", got "${String(order)}"`);
  }
  let states: TaskState[] | null = null;
  if (filter.state !== undefined && filter.state !== null) {
    states = Array.isArray(filter.state) ? [...filter.state] : [filter.state];
    for (const s of states) {
      if (!TASK_STATES.includes(s)) {
        throw new InvalidRequestError(`listTasks: unknown state "${s}"; states are ${TASK_STATES.join(', ')}`);
      }
    }
  }
  const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
  if (cursor && (cursor.sort !== sort || cursor.order !== order)) {
    throw new InvalidRequestError(
      `listTasks: the cursor was made for sort=${cursor.sort} order=${cursor.order}, ` +
        `but this request asks for sort=${sort} order=${order}`,
    );
  }
  return {
    namespace: optionalString(filter.namespace, 'namespace'),
    name: optionalString(filter.name, 'name'),
    version: optionalString(filter.version, 'version'),
    states,
    created_after: optionalTime(filter.created_after, 'created_after'),
    created_before: optionalTime(filter.created_before, 'created_before'),
    tags: optionalTags(filter.tags),
    q: filter.q === undefined || filter.q === null ? null : searchRange(filter.q),
    limit,
    sort,
    order,
    cursor,
  };
}

/** Cut a page fetched with limit + 1 rows and compute its next cursor. */
export function finishPage(
  rows: TaskSummary[],
  filter: NormalizedListFilter,
): { tasks: TaskSummary[]; next_cursor: string | null } {
  if (rows.length <= filter.limit) return { tasks: rows, next_cursor: null };
  const tasks = rows.slice(0, filter.limit);
  const last = tasks[tasks.length - 1]!;
  return {
    tasks,
    next_cursor: encodeCursor({
      sort: filter.sort,
      order: filter.order,
      value: sortValue(last, filter.sort),
      task_id: last.task_id,
    }),
  };
}
