// What the `tasker tasks` commands share: the store they open (never migrating a shared schema), task id arguments and
// the actor their operator actions record.
import { openStore } from '../store/open-store.js';
import type { Store } from '../core/store-contract.js';
import { silentLogger } from '../telemetry/logger.js';
import { storeFailure, UsageError } from './cli-errors.js';
import { storeOptionsFrom } from './engine-options.js';
import { migrateOnOpen } from './migrate-on-open.js';

export async function withStore<T>(db: string | undefined, fn: (store: Store) => Promise<T>): Promise<T> {
  const { url } = storeOptionsFrom(db);
  // An operator's look at a shared PostgreSQL schema never upgrades it (`tasker migrate` does). A command runs a
  // statement or two: no connection is warmed for a hot path it does not have.
  const store = await openStore(url, {
    logger: silentLogger(),
    migrate: migrateOnOpen({ db: url }),
    warmConnections: 0,
  }).catch((err: unknown) => {
    throw storeFailure(err, url);
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}

export function parseId(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`${what} must be a positive integer, got '${value}'`);
  return Number(value);
}

export function actor(): string {
  return `cli:${process.env.USER ?? 'unknown'}`;
}
