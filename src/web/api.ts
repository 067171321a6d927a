// The dashboard's only way to the server: JSON over fetch under the API prefix, with the bearer token from the
// session (never in a URL). Failures become ApiFailure with the API's error code and message.
import { getToken } from './session.js';

/** The API prefix the server wrote into the page (`/tasker` unless createApiServer was given another). */
export const PREFIX =
  document.querySelector<HTMLMetaElement>('meta[name="tasker-prefix"]')?.content.replace(/\/+$/, '') ?? '/tasker';

/** Where the dashboard lives: `<prefix>/ui`. */
export const UI_BASE = `${PREFIX}/ui`;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Listeners told when the server refuses the token (401), so the app can ask for one. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE';
  body?: unknown;
  query?: Record<string, string | string[] | undefined>;
  signal?: AbortSignal;
}

export function queryString(query: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === '') continue;
    for (const one of Array.isArray(v) ? v : [v]) if (one !== '') qs.append(k, one);
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** Calls `<prefix><path>` and returns its JSON; throws ApiFailure for any non-2xx answer. */
export async function api<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  else if (opts.method && opts.method !== 'GET') headers['x-tasker-actor'] = 'dashboard';
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(`${PREFIX}${path}${queryString(opts.query)}`, {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw new ApiFailure(0, 'network', `cannot reach the server: ${(err as Error).message}`);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const e = (json as { error?: { code?: string; message?: string } } | null)?.error;
    if (res.status === 401) for (const fn of unauthorizedListeners) fn();
    throw new ApiFailure(res.status, e?.code ?? 'http_error', e?.message ?? `${res.status} ${res.statusText}`);
  }
  return json as T;
}

/** True for a 404 meaning this server has no such route (an older server), not a missing object. */
export function isMissingRoute(err: unknown): boolean {
  return err instanceof ApiFailure && err.status === 404 && /^no route /.test(err.message);
}
