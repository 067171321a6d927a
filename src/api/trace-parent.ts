// The W3C `traceparent` / `tracestate` headers of an API request as the parent of what the request does (the
// `tasker.submit` span of POST /tasker/tasks). When an HTTP instrumentation (`@fastify/otel`, started by the CLI with
// the SDK) already made a server span from them, that span is active and stays the parent.
import { context, trace } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import { parseTraceparent } from '../telemetry/trace-context.js';
import { tracingActive } from '../telemetry/tracing.js';

/** Run `fn` under the request's trace context (tracing on, no span active yet, a valid `traceparent` sent). */
export function withRequestTraceParent<T>(headers: IncomingHttpHeaders, fn: () => T): T {
  if (!tracingActive() || headers.traceparent === undefined || trace.getSpan(context.active())) return fn();
  const sc = parseTraceparent(headers.traceparent, headers.tracestate);
  return sc ? context.with(trace.setSpanContext(context.active(), sc), fn) : fn();
}
