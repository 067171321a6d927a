// History by id and recent activity on PostgreSQL (statements: sql/history.ts, sql/activity.ts): the store's
// `history` part (HistoryStore, core/store-history.ts: a task's history pages, the live feed's reads of every task's
// new rows) and the stats of the last hour and day that `Store.activity` reads from the same tables.
import type {
  HistoryFeedRow,
  HistoryPageRequest,
  HistoryRow,
  HistoryStore,
  StoreActivity,
  TaskId,
} from '../../core/store-contract.js';
import {
  checkAfter,
  checkHistoryIds,
  checkHistoryLimit,
  checkHistoryPage,
  mapHistoryFeedRow,
  mapHistoryRow,
} from '../shared/history-rows.js';
import { activityFromRow } from '../shared/activity.js';
import { num } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import { pgDecode } from './reads.js';

type Row = Record<string, unknown>;

export class PgHistory implements HistoryStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly open: () => void,
  ) {}

  async getHistoryPage(taskId: TaskId, page: HistoryPageRequest): Promise<HistoryRow[]> {
    this.open();
    const { after, limit } = checkHistoryPage(page);
    const rows = await run<Row>(this.ctx.pool, this.ctx.sql.readHistoryPage, [taskId, after, limit]);
    return rows.map((r) => mapHistoryRow(r, pgDecode));
  }

  async historySince(after: number, limit: number): Promise<HistoryFeedRow[]> {
    this.open();
    const args = [checkAfter(after, 'historySince'), checkHistoryLimit(limit, 'historySince')];
    const rows = await run<Row>(this.ctx.pool, this.ctx.sql.readHistorySince, args);
    return rows.map((r) => mapHistoryFeedRow(r, pgDecode));
  }

  async historyRows(ids: number[]): Promise<HistoryFeedRow[]> {
    this.open();
    if (checkHistoryIds(ids).length === 0) return [];
    const rows = await run<Row>(this.ctx.pool, this.ctx.sql.readHistoryByIds, [ids]);
    return rows.map((r) => mapHistoryFeedRow(r, pgDecode));
  }

  async lastHistoryId(): Promise<number> {
    this.open();
    const [row] = await run<{ id: number }>(this.ctx.pool, this.ctx.sql.readLastHistoryId);
    return num(row?.id ?? 0);
  }

  /** `Store.activity`. */
  async activity(): Promise<StoreActivity> {
    this.open();
    const [row] = await run<Row>(this.ctx.pool, this.ctx.sql.readActivity);
    return activityFromRow(row!, row!.failing as Row[]);
  }
}
