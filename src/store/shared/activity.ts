// activity() rows of both stores mapped to the contract's StoreActivity: counts of the last hour and day, the ready
// queue and the most failing templates. The windows are fixed: an hour and a day before the store's clock.
import type { StoreActivity } from '../../core/store-contract.js';
import { num, numOrNull } from './row-mappers.js';

type Row = Record<string, unknown>;

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const FAILING_TEMPLATES = 10;

export function activityFromRow(row: Row, failing: Row[]): StoreActivity {
  return {
    now: num(row.now),
    last_hour: {
      completed: num(row.hour_completed ?? 0),
      failed: num(row.hour_failed ?? 0),
      retried: num(row.hour_retried ?? 0),
    },
    last_day: {
      completed: num(row.day_completed ?? 0),
      failed: num(row.day_failed ?? 0),
      retried: num(row.day_retried ?? 0),
    },
    ready_steps: num(row.ready_steps ?? 0),
    oldest_ready_at: numOrNull(row.oldest_ready_at),
    failing_templates: failing.map((f) => ({
      namespace: String(f.namespace),
      name: String(f.name),
      version: String(f.version),
      failed: num(f.failed),
    })),
  };
}
