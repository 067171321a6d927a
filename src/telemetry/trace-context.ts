// The W3C Trace Context (https://www.w3.org/TR/trace-context/) of a span as plain strings: how a task keeps its
// submission's context in the store (JSON text `{"traceparent":…,"tracestate":…}`), how `step.traceContext` hands it to
// a handler, and how the API reads `traceparent` / `tracestate` request headers. Independent of any registered
// propagator, so it works the same whatever SDK (or none) the submitter and the workers use.
import {
  ROOT_CONTEXT,
  createTraceState,
  isSpanContextValid,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/** A span's W3C trace context headers. */
export interface TraceContextHeaders {
  traceparent: string;
  tracestate?: string;
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The headers of a valid span context; null for an invalid one (no SDK, nothing sampled upstream). */
export function headersOf(sc: SpanContext): TraceContextHeaders | null {
  if (!isSpanContextValid(sc)) return null;
  const flags = (sc.traceFlags & 0xff).toString(16).padStart(2, '0');
  const traceparent = `00-${sc.traceId}-${sc.spanId}-${flags}`;
  const state = sc.traceState?.serialize();
  return state ? { traceparent, tracestate: state } : { traceparent };
}

/** A remote span context from W3C headers; null when `traceparent` is missing or malformed (then it is ignored). */
export function parseTraceparent(traceparent: unknown, tracestate?: unknown): SpanContext | null {
  if (typeof traceparent !== 'string') return null;
  const m = TRACEPARENT.exec(traceparent.trim());
  if (!m || m[1] === 'ff' || (m[1] === '00' && m[5] !== undefined)) return null;
  const sc: SpanContext = { traceId: m[2]!, spanId: m[3]!, traceFlags: parseInt(m[4]!, 16) & 0xff, isRemote: true };
  if (!isSpanContextValid(sc)) return null;
  if (typeof tracestate === 'string' && tracestate.trim() !== '') sc.traceState = createTraceState(tracestate);
  return sc;
}

/** What a task row keeps (NewTask.trace_context): JSON text of the headers, or null for an invalid context. */
export function encodeTraceContext(sc: SpanContext): string | null {
  const headers = headersOf(sc);
  return headers ? JSON.stringify(headers) : null;
}

/** The context a stored trace context names (its span as the remote parent); null when none or unreadable. */
export function contextFromStored(stored: string | null | undefined): Context | null {
  if (!stored) return null;
  let headers: Partial<TraceContextHeaders>;
  try {
    headers = JSON.parse(stored) as Partial<TraceContextHeaders>;
  } catch {
    return null;
  }
  const sc = parseTraceparent(headers?.traceparent, headers?.tracestate);
  return sc ? trace.setSpanContext(ROOT_CONTEXT, sc) : null;
}
