// The live history feed: one poller per engine that reads the new history rows of every task by id and hands them to
// its subscribers (the API's event streams), so any number of streams costs one query per read. It reads after a
// wake-up — the store's (LISTEN/NOTIFY on PostgreSQL, data_version on SQLite) or an event of this process — and at
// least every `pollMs` otherwise, and only while someone subscribes: no NOTIFY per transition on the hot path, and
// nothing at all when nobody watches.
//
// PostgreSQL assigns history ids before commit, so a transaction may commit after rows with higher ids were read:
// ids skipped over are kept as holes and looked up again by id on every read for HOLE_WINDOW_MS (then given up:
// a rolled-back transaction leaves its ids unused for ever). Such late rows reach subscribers after higher ids.
import type { HistoryFeedRow, Store } from '../core/store-contract.js';
import type { Logger } from '../telemetry/logger.js';
import type { EventBus } from './event-bus.js';

export type FeedListener = (rows: HistoryFeedRow[]) => void;

export interface FeedSubscription {
  /** The feed's cursor when subscribed: the listener gets rows with higher ids (and late rows below it). */
  position: number;
  unsubscribe(): void;
}

export interface HistoryFeedOptions {
  /** Longest wait between reads when no wake-up comes. Default 1000 ms. */
  pollMs?: number;
  /** Rows read at once; a full batch is followed at once by the next. Default 500. */
  batch?: number;
}

const WAKE_DELAY_MS = 20;
export const HOLE_WINDOW_MS = 30_000;
const MAX_HOLES = 1000;

export class HistoryFeed {
  private readonly listeners = new Set<FeedListener>();
  private readonly pollMs: number;
  private readonly batch: number;
  private cursor = 0;
  /** Ids skipped over, with when they were first missed. */
  private readonly holes = new Map<number, number>();
  private starting: Promise<void> | null = null;
  private active = false;
  private reading = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private dueAt = 0;
  private unhook: Array<() => void> = [];
  private failing = false;
  /** Bumped by every start, so a read begun before a stop and restart changes nothing. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly logger: Logger,
    options: HistoryFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 1000;
    this.batch = options.batch ?? 500;
  }

  /** Subscribe (starting the feed at the store's last history id when it is the first subscriber). */
  async subscribe(listener: FeedListener): Promise<FeedSubscription> {
    if (!this.active) {
      this.starting ??= this.start().finally(() => (this.starting = null));
      await this.starting;
    }
    this.listeners.add(listener);
    return {
      position: this.cursor,
      unsubscribe: () => {
        this.listeners.delete(listener);
        if (this.listeners.size === 0) this.stop();
      },
    };
  }

  /** Stop polling and drop every subscriber (the engine is closing). */
  close(): void {
    this.listeners.clear();
    this.stop();
  }

  private async start(): Promise<void> {
    const cursor = await this.store.history.lastHistoryId();
    this.generation += 1;
    this.cursor = cursor;
    this.holes.clear();
    this.active = true;
    const soon = () => this.schedule(WAKE_DELAY_MS);
    this.unhook = [this.store.onWake(soon), this.bus.subscribe(soon, ['*'])];
    this.schedule(this.pollMs);
  }

  private stop(): void {
    if (!this.active) return;
    this.active = false;
    for (const off of this.unhook) off();
    this.unhook = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Read within `delayMs`, unless a read is already due sooner. */
  private schedule(delayMs: number): void {
    if (!this.active) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    const due = Date.now() + delayMs;
    if (this.timer && this.dueAt <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.read();
    }, delayMs);
    this.timer.unref();
  }

  private async read(): Promise<void> {
    if (!this.active || this.reading) return;
    this.reading = true;
    const generation = this.generation;
    try {
      do {
        this.again = false;
        const rows = await this.readOnce(generation);
        if (rows.length > 0) this.emit(rows);
      } while (this.again && this.active && generation === this.generation);
      if (this.failing) this.logger.info('history feed: reading again');
      this.failing = false;
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'history feed: reading the history failed; retrying');
      this.failing = true;
    } finally {
      this.reading = false;
      this.schedule(this.pollMs);
    }
  }

  /** New rows after the cursor and late rows filling holes, in id order. */
  private async readOnce(generation: number): Promise<HistoryFeedRow[]> {
    const late = this.holes.size > 0 ? await this.store.history.historyRows([...this.holes.keys()]) : [];
    const rows = await this.store.history.historySince(this.cursor, this.batch);
    if (!this.active || generation !== this.generation) return [];
    if (rows.length === this.batch) this.again = true;
    const now = Date.now();
    for (const row of late) this.holes.delete(row.history_id);
    for (const [id, since] of this.holes) if (now - since > HOLE_WINDOW_MS) this.holes.delete(id);
    let expected = this.cursor + 1;
    for (const row of rows) {
      for (let id = Math.max(expected, row.history_id - MAX_HOLES); id < row.history_id; id++) this.holes.set(id, now);
      expected = row.history_id + 1;
    }
    if (rows.length > 0) this.cursor = rows[rows.length - 1]!.history_id;
    while (this.holes.size > MAX_HOLES) this.holes.delete(this.holes.keys().next().value!);
    return late.length === 0 ? rows : [...late, ...rows].sort((a, b) => a.history_id - b.history_id);
  }

  private emit(rows: HistoryFeedRow[]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(rows);
      } catch (err) {
        this.logger.error({ err }, 'history feed listener threw');
      }
    }
  }
}
