// The store's health as the facade reports it: a ping within a timeout, never throwing, with the store's kind, its
// URL without credentials, and the latency or the error.
import type { Store } from '../core/store-contract.js';
import { redactStoreUrl } from '../store/store-url.js';

export interface StoreHealth {
  kind: Store['kind'];
  url: string;
  ok: boolean;
  latency_ms: number | null;
  error: string | null;
}

/** Ping the store, giving up after `timeoutMs`. Never throws. */
export async function checkStore(store: Store, timeoutMs: number): Promise<StoreHealth> {
  const started = performance.now();
  const url = redactStoreUrl(store.url);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the store did not answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([store.ping(), timeout]);
    return {
      kind: store.kind,
      url,
      ok: true,
      latency_ms: Math.round((performance.now() - started) * 100) / 100,
      error: null,
    };
  } catch (err) {
    return { kind: store.kind, url, ok: false, latency_ms: null, error: (err as Error)?.message ?? String(err) };
  } finally {
    clearTimeout(timer);
  }
}
