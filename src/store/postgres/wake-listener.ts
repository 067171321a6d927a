// Cross-process wake-ups: one dedicated connection LISTENs on the schema's channel and calls the subscribed
// listeners for every notification. After a connection loss it reconnects with capped exponential backoff,
// LISTENs again and emits one wake, because notifications sent while it was away are lost. The same session holds
// the presence locks of the workers registered through this store (presence.ts), re-taken after a reconnect.
import pg from 'pg';
import type { Logger } from '../../telemetry/logger.js';
import { clientConfig } from './pool.js';
import type { PgStatements } from './sql/index.js';

const INITIAL_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

export class WakeListener {
  private readonly listeners = new Set<() => void>();
  /** Worker ids whose presence lock this store holds (taken again by every new session). */
  private readonly present = new Set<string>();
  /** Those the current session holds (advisory locks stack, so each is taken once per session). */
  private held = new Set<string>();
  private client: pg.Client | null = null;
  private started = false;
  private closed = false;
  private connecting: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private backoffMs = INITIAL_BACKOFF_MS;
  /** Set by a connection loss or failed attempt: the next successful LISTEN must emit a wake. */
  private missedWakes = false;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
    private readonly logger: Logger,
    private readonly presenceLabel: string,
    private readonly sql: Pick<PgStatements, 'listen' | 'takePresence' | 'dropPresence'>,
  ) {}

  /** Hold `workerId`'s presence lock for as long as this session lives (connecting on first use). */
  async holdPresence(workerId: string): Promise<void> {
    if (this.closed) return;
    this.present.add(workerId);
    if (!this.started) {
      this.started = true;
      this.connectNow();
    }
    await this.ready();
    const client = this.client;
    if (client) await this.take(client, workerId);
  }

  async dropPresence(workerId: string): Promise<void> {
    this.present.delete(workerId);
    const client = this.client;
    if (!client || !this.held.delete(workerId)) return;
    await client.query(this.sql.dropPresence.text, [this.presenceLabel, workerId]).catch(() => undefined);
  }

  private async take(client: pg.Client, workerId: string): Promise<void> {
    if (this.held.has(workerId)) return;
    this.held.add(workerId);
    try {
      const res = await client.query<{ ok: boolean }>(this.sql.takePresence.text, [this.presenceLabel, workerId]);
      if (res.rows[0]?.ok !== true)
        this.logger.warn({ worker_id: workerId }, 'presence lock already held by another session');
    } catch (err) {
      this.held.delete(workerId);
      this.logger.warn({ err: (err as Error).message, worker_id: workerId }, 'could not take the presence lock');
    }
  }

  /** Adds a listener (connecting on first use); returns its unsubscribe function. */
  subscribe(listener: () => void): () => void {
    if (this.closed) throw new Error('store is closed: cannot subscribe to wake-ups');
    this.listeners.add(listener);
    if (!this.started) {
      this.started = true;
      this.connectNow();
    }
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Resolves once the LISTEN is in place (or immediately when not started); for tests and start-up ordering. */
  async ready(): Promise<void> {
    while (!this.closed && this.started && this.client === null) {
      await (this.connecting ?? new Promise((resolve) => setTimeout(resolve, 20)));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    if (client) await client.end().catch(() => undefined);
  }

  private emit(): void {
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.logger.error({ err }, 'wake listener threw');
      }
    }
  }

  private connectNow(): void {
    this.connecting = this.connect().finally(() => {
      this.connecting = null;
    });
  }

  private async connect(): Promise<void> {
    if (this.closed) return;
    const client = new pg.Client(clientConfig(this.connectionString));
    let lost = false;
    const onLoss = (err?: Error): void => {
      if (lost) return;
      lost = true;
      this.missedWakes = true;
      if (this.client === client) this.client = null;
      client.end().catch(() => undefined);
      if (this.closed) return;
      this.logger.warn({ err: err?.message, channel: this.channel }, 'LISTEN connection lost; reconnecting');
      this.scheduleReconnect();
    };
    client.on('error', onLoss);
    client.on('end', () => onLoss());
    client.on('notification', (msg) => {
      if (msg.channel === this.channel) this.emit();
    });
    try {
      await client.connect();
      await client.query(this.sql.listen.text);
      this.held = new Set();
      for (const workerId of this.present) await this.take(client, workerId);
    } catch (err) {
      onLoss(err as Error);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    if (lost) return;
    this.client = client;
    this.backoffMs = INITIAL_BACKOFF_MS;
    if (this.missedWakes) {
      this.missedWakes = false;
      this.logger.info({ channel: this.channel }, 'LISTEN connection re-established');
      this.emit();
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    const delay = this.backoffMs * (0.5 + Math.random() / 2);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connectNow();
    }, delay);
    this.retryTimer.unref?.();
  }
}
