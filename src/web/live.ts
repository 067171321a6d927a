// Live updates: a server-sent event stream opened with a single-use ticket (POST /events/tickets, so the token
// never goes into a URL), and polling every second when the server has no stream (404) or it breaks. Either way
// the caller's `refresh` runs at most once per second's worth of changes.
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiFailure, PREFIX } from './api.js';

export type LiveMode = 'connecting' | 'stream' | 'polling';

const POLL_MS = 1000;
/** Least time between two refreshes started by stream events. */
const MIN_GAP_MS = 300;
/** After the stream fails this often in a row, poll for good (until the page is left). */
const MAX_STREAM_FAILURES = 3;
/** While streaming, a refresh this often anyway (an event name not listened to, a missed wake-up). */
const SAFETY_MS = 10_000;

let streamMissing = false;

/**
 * Calls `refresh` whenever something matching `filter` may have changed: on each stream event, or every second
 * while polling. Returns the mode in use, shown in the page header.
 */
export function useLive(refresh: () => Promise<void> | void, filter: { task_id?: number } = {}): LiveMode {
  const [mode, setMode] = useState<LiveMode>(streamMissing ? 'polling' : 'connecting');
  const refreshRef = useRef(refresh);
  refreshRef.current = refresh;
  const key = filter.task_id ?? '';

  useEffect(() => {
    let stopped = false;
    let source: EventSource | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let safety: ReturnType<typeof setInterval> | null = null;
    let failures = 0;
    let busy = false;
    let again = false;

    let last = 0;
    let trailing: ReturnType<typeof setTimeout> | null = null;
    // One refresh at a time, at most one per MIN_GAP_MS: a burst of events ends in one trailing refresh.
    const run = async () => {
      if (stopped) return;
      if (busy) {
        again = true;
        return;
      }
      const wait = last + MIN_GAP_MS - Date.now();
      if (wait > 0) {
        trailing ??= setTimeout(() => {
          trailing = null;
          void run();
        }, wait);
        return;
      }
      busy = true;
      try {
        await refreshRef.current();
      } catch {
        // The page shows its own errors; the next tick tries again.
      } finally {
        busy = false;
        last = Date.now();
        if (again && !stopped) {
          again = false;
          void run();
        }
      }
    };

    const poll = () => {
      if (stopped) return;
      setMode('polling');
      timer = setTimeout(async () => {
        await run();
        poll();
      }, POLL_MS);
    };

    const connect = async () => {
      if (streamMissing || failures >= MAX_STREAM_FAILURES) return poll();
      let ticket: string;
      try {
        ticket = (await api<{ ticket: string }>('/events/tickets', { method: 'POST', body: {} })).ticket;
      } catch (err) {
        if (err instanceof ApiFailure && err.status === 404) streamMissing = true;
        failures++;
        return poll();
      }
      if (stopped) return;
      const qs = new URLSearchParams({ ticket });
      if (key !== '') qs.set('task_id', String(key));
      source = new EventSource(`${PREFIX}/events/stream?${qs.toString()}`);
      source.onopen = () => {
        failures = 0;
        setMode('stream');
        void run();
        if (safety) clearInterval(safety);
        safety = setInterval(() => void run(), SAFETY_MS);
      };
      source.onmessage = () => void run();
      for (const type of STREAM_EVENTS) source.addEventListener(type, () => void run());
      source.onerror = () => {
        // A ticket is single use, so EventSource's own reconnect cannot work: close and get a new ticket.
        source?.close();
        source = null;
        if (safety) clearInterval(safety);
        if (stopped) return;
        failures++;
        setMode('connecting');
        timer = setTimeout(() => void connect(), POLL_MS);
        void run();
      };
    };

    void run();
    void connect();
    return () => {
      stopped = true;
      source?.close();
      if (timer) clearTimeout(timer);
      if (safety) clearInterval(safety);
      if (trailing) clearTimeout(trailing);
    };
  }, [key]);
  return mode;
}

/**
 * The event names the stream may send (`event:` lines): the engine's lifecycle events and one per state a task
 * or step can enter. EventSource has no wildcard listener, so a slow safety refresh (SAFETY_MS) covers any other.
 */
const TASK_NAMES = ['started', 'pending', 'running', 'completed', 'failed', 'cancelled', 'resolved_manually', 'rerun'];
const STEP_NAMES = [...TASK_NAMES, 'retrying', 'skipped', 'attempt_failed', 'retry_attempted', 'waiting'];
const STREAM_EVENTS = [...TASK_NAMES.map((n) => `task.${n}`), ...STEP_NAMES.map((n) => `step.${n}`)];
