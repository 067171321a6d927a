// History rows read by id (a task's history pages and the live feed of every task): their mapping to the contract's
// records (mapTransitionRow, with the row's id) and the checks of a page request. Both stores select `history_id` (the
// transitions row id) and the task's namespace and name for the feed.
import { InvalidRequestError } from '../../core/errors.js';
import type { HistoryFeedRow, HistoryPageRequest, HistoryRow } from '../../core/store-contract.js';
import { mapTransitionRow, num, type JsonDecoder } from './row-mappers.js';
import { decodeJson } from './json.js';

type Row = Record<string, unknown>;

export const MAX_HISTORY_PAGE = 5000;

export function mapHistoryRow(row: Row, decode: JsonDecoder = decodeJson): HistoryRow {
  return { ...mapTransitionRow(row, decode), history_id: num(row.history_id) };
}

export function mapHistoryFeedRow(row: Row, decode: JsonDecoder = decodeJson): HistoryFeedRow {
  return { ...mapHistoryRow(row, decode), namespace: String(row.namespace), name: String(row.task_name) };
}

/** A history cursor: a whole number >= 0 (0 = from the start). */
export function checkAfter(after: unknown, what: string): number {
  if (after === undefined || after === null) return 0;
  if (typeof after !== 'number' || !Number.isSafeInteger(after) || after < 0) {
    throw new InvalidRequestError(`${what}: after must be a history id (a whole number >= 0), got ${String(after)}`);
  }
  return after;
}

export function checkHistoryLimit(limit: unknown, what: string): number {
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > MAX_HISTORY_PAGE) {
    throw new InvalidRequestError(
      `${what}: limit must be an integer from 1 to ${MAX_HISTORY_PAGE}, got ${String(limit)}`,
    );
  }
  return limit;
}

/** The checked `after` and `limit` of a page request. */
export function checkHistoryPage(page: HistoryPageRequest): { after: number; limit: number } {
  return {
    after: checkAfter(page.after, 'getHistoryPage'),
    limit: checkHistoryLimit(page.limit, 'getHistoryPage'),
  };
}

/** History ids to look up again: whole numbers > 0, at most MAX_HISTORY_PAGE of them. */
export function checkHistoryIds(ids: number[]): number[] {
  if (ids.length > MAX_HISTORY_PAGE) {
    throw new InvalidRequestError(`historyRows: at most ${MAX_HISTORY_PAGE} ids at once, got ${ids.length}`);
  }
  for (const id of ids) {
    if (!Number.isSafeInteger(id) || id < 1) throw new InvalidRequestError(`historyRows: bad history id ${id}`);
  }
  return ids;
}
