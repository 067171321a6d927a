// One event stream connection (text/event-stream): history rows of the feed that pass its filters, written as SSE
// messages (`id:` the history id, `event:` the event name, `data:` JSON), a heartbeat comment every 15 s, and the
// catch-up of a reconnecting client from its Last-Event-ID. Rows arriving from the feed while it catches up are held
// and written after, without the ones it already wrote. A client that reads too slowly is disconnected.
import type { ServerResponse } from 'node:http';
import type { HistoryFeedRow } from '../../core/store-contract.js';
import { eventName, streamEventJson } from '../history-json.js';

export const HEARTBEAT_MS = 15_000;
/** Rows a reconnecting client is sent from the store before it is told to reload (`event: resync`). */
export const MAX_CATCH_UP = 10_000;
const CATCH_UP_BATCH = 500;
/** Bytes a client may leave unread before it is disconnected. */
const MAX_BUFFERED = 1024 * 1024;

export interface StreamFilter {
  task_id: number | null;
  namespace: string | null;
}

export type HistoryReader = (after: number, limit: number) => Promise<HistoryFeedRow[]>;

export class SseClient {
  private held: HistoryFeedRow[] | null = [];
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    private readonly filter: StreamFilter,
    private readonly onClose: () => void,
  ) {
    res.on('close', () => this.close());
  }

  /** Send the headers and the reconnect delay; the first heartbeat comes HEARTBEAT_MS later. */
  open(): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
    });
    this.write('retry: 2000\n: connected\n\n');
    this.heartbeat = setInterval(() => this.write(': heartbeat\n\n'), HEARTBEAT_MS);
    this.heartbeat.unref();
  }

  /** Rows from the feed: written now, or held while the client catches up. */
  push(rows: HistoryFeedRow[]): void {
    if (this.held) this.held.push(...rows);
    else for (const row of rows) this.send(row);
  }

  /**
   * Write the rows after `lastEventId` up to the feed's `position` from the store (at most MAX_CATCH_UP, then a
   * `resync` event), then the rows held meanwhile, and go live.
   */
  async catchUp(read: HistoryReader, lastEventId: number, position: number): Promise<void> {
    const sent = new Set<number>();
    let after = lastEventId;
    while (after < position && !this.closed) {
      const rows = await read(after, CATCH_UP_BATCH);
      for (const row of rows) {
        if (row.history_id > position) break;
        this.send(row);
        sent.add(row.history_id);
      }
      if (rows.length < CATCH_UP_BATCH) break;
      after = rows[rows.length - 1]!.history_id;
      if (sent.size >= MAX_CATCH_UP && after < position) {
        const reason = `more than ${MAX_CATCH_UP} events were missed: read the current state again`;
        this.write(`event: resync\ndata: ${JSON.stringify({ reason })}\n\n`);
        break;
      }
    }
    const held = this.held ?? [];
    this.held = null;
    for (const row of held) if (!sent.has(row.history_id)) this.send(row);
  }

  /** Go live without a catch-up. */
  live(): void {
    const held = this.held ?? [];
    this.held = null;
    for (const row of held) this.send(row);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    if (!this.res.writableEnded) this.res.end();
    this.onClose();
  }

  private send(row: HistoryFeedRow): void {
    if (this.filter.task_id !== null && row.task_id !== this.filter.task_id) return;
    if (this.filter.namespace !== null && row.namespace !== this.filter.namespace) return;
    const data = JSON.stringify(streamEventJson(row));
    this.write(`id: ${row.history_id}\nevent: ${eventName(row)}\ndata: ${data}\n\n`);
  }

  private write(text: string): void {
    if (this.closed) return;
    this.res.write(text);
    if (this.res.writableLength > MAX_BUFFERED) this.close();
  }
}
