// Cross-process wake-ups for SQLite: while someone listens, poll `PRAGMA data_version`, which changes whenever
// another connection commits to the database file, and call the listeners then. Cheap: no table is read.
import type { Logger } from '../../telemetry/logger.js';

export const DEFAULT_WAKE_POLL_MS = 200;

export class DataVersionWatcher {
  private readonly listeners = new Set<() => void>();
  private timer: NodeJS.Timeout | null = null;
  private last = -1;

  constructor(
    private readonly readVersion: () => number,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    if (!this.timer) {
      this.last = this.readVersion();
      this.timer = setInterval(() => this.poll(), this.intervalMs);
      this.timer.unref();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private poll(): void {
    let version: number;
    try {
      version = this.readVersion();
    } catch (err) {
      this.logger?.warn({ err }, 'sqlite wake-up poll failed');
      return;
    }
    if (version === this.last) return;
    this.last = version;
    for (const listener of [...this.listeners]) {
      try {
        listener();
      } catch (err) {
        this.logger?.error({ err }, 'store wake-up listener threw');
      }
    }
  }
}
