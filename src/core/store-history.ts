// The store's history by id: a task's history page by page (the dashboard's task page), and every task's history
// rows in id order for the live feed — what came after a cursor, rows of transactions that committed late (holes
// below the cursor, read again by id), and the highest id to start from. History ids grow with every row written;
// the rows are HistoryRow and HistoryFeedRow (store-records.ts). A task's whole history at once is
// `Store.getHistory`; recent activity (`Store.activity`) is counted from the history but is a stat. store-contract.ts
// re-exports this; the Store exposes a HistoryStore as `store.history`.
import type { HistoryPageRequest } from './store-queries.js';
import type { HistoryFeedRow, HistoryRow, TaskId } from './store-records.js';

/** The store's `history` part (`Store.history`). */
export interface HistoryStore {
  /** One page of a task's history (task and step rows), by history id. */
  getHistoryPage(taskId: TaskId, page: HistoryPageRequest): Promise<HistoryRow[]>;
  /** Up to `limit` (1..5000) history rows of every task with an id above `after`, oldest first. */
  historySince(after: number, limit: number): Promise<HistoryFeedRow[]>;
  /** The history rows with these ids (at most 5000) that exist now (rows of transactions that committed late), by id. */
  historyRows(ids: number[]): Promise<HistoryFeedRow[]>;
  /** The highest history id (0 when there is none). */
  lastHistoryId(): Promise<number>;
}
