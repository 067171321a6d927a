// What operators and the dashboard read beyond tasks, through the engine: a task's history by id, the store's
// recent activity, history rows after an id, and the live history feed (one per engine, history-feed.ts).
import type {
  HistoryFeedRow,
  HistoryPageRequest,
  HistoryRow,
  Store,
  StoreActivity,
  TaskId,
} from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import type { EventBus } from './event-bus.js';
import { HistoryFeed } from './history-feed.js';

export class OperatorReads {
  private feed: HistoryFeed | null = null;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  /** One page of a task's history (task and step rows), oldest first, by history id. */
  historyPage(taskId: TaskId, page: HistoryPageRequest): Promise<HistoryRow[]> {
    return this.store.history.getHistoryPage(taskId, page);
  }

  /** History rows of every task with an id above `after`, oldest first (at most `limit`, 1..5000). */
  historySince(after: number, limit: number): Promise<HistoryFeedRow[]> {
    return this.store.history.historySince(after, limit);
  }

  /** Tasks completed and failed, attempts retried in the last hour and day; the ready queue; failing templates. */
  activity(): Promise<StoreActivity> {
    return this.store.activity();
  }

  /** The live feed of new history rows (polls only while subscribed). */
  get historyFeed(): HistoryFeed {
    return (this.feed ??= new HistoryFeed(this.store, this.bus, this.logger));
  }

  close(): void {
    this.feed?.close();
  }
}
