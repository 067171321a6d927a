// History by id and recent activity on SQLite (statements: sql/history.ts, sql/activity.ts): the store's `history`
// part (HistoryStore, core/store-history.ts: a task's history pages, the live feed's reads of every task's new rows)
// and the stats of the last hour and day that `Store.activity` reads from the same tables.
import type {
  HistoryFeedRow,
  HistoryPageRequest,
  HistoryRow,
  HistoryStore,
  StoreActivity,
  TaskId,
} from '../../core/store-contract.js';
import { activityFromRow, DAY_MS, HOUR_MS } from '../shared/activity.js';
import {
  checkAfter,
  checkHistoryIds,
  checkHistoryLimit,
  checkHistoryPage,
  mapHistoryFeedRow,
  mapHistoryRow,
} from '../shared/history-rows.js';
import { num } from '../shared/row-mappers.js';
import type { Statements } from './statements.js';

type Row = Record<string, unknown>;

export class SqliteHistory implements HistoryStore {
  constructor(private readonly st: Statements) {}

  async getHistoryPage(taskId: TaskId, page: HistoryPageRequest): Promise<HistoryRow[]> {
    const { after, limit } = checkHistoryPage(page);
    return (this.st.historyPage.all(taskId, after, limit) as Row[]).map((r) => mapHistoryRow(r));
  }

  async historySince(after: number, limit: number): Promise<HistoryFeedRow[]> {
    const args = [checkAfter(after, 'historySince'), checkHistoryLimit(limit, 'historySince')];
    return (this.st.historySince.all(...args) as Row[]).map((r) => mapHistoryFeedRow(r));
  }

  async historyRows(ids: number[]): Promise<HistoryFeedRow[]> {
    if (checkHistoryIds(ids).length === 0) return [];
    return (this.st.historyByIds.all(JSON.stringify(ids)) as Row[]).map((r) => mapHistoryFeedRow(r));
  }

  async lastHistoryId(): Promise<number> {
    return num((this.st.lastHistoryId.get() as { id: number }).id);
  }

  /** `Store.activity`; call inside one read snapshot. */
  activity(now: number): StoreActivity {
    const window = { hour: now - HOUR_MS, day: now - DAY_MS };
    const row = {
      now,
      ...(this.st.taskEnds.get(window) as Row),
      ...(this.st.retries.get(window) as Row),
      ...(this.st.readyQueue.get({ now }) as Row),
    };
    return activityFromRow(row, this.st.failingTemplates.all({ day: window.day }) as Row[]);
  }
}
