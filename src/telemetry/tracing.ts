// Tracing through the OpenTelemetry API only: the `tasker` tracer of the global tracer provider (so whatever SDK the
// program registered receives the spans), whether any SDK is registered at all (while none is, the engine starts no
// spans and builds no attributes), the attribute names of Tasker spans, and how a failure is recorded on a span.
import {
  INVALID_SPAN_CONTEXT,
  ProxyTracerProvider,
  SpanStatusCode,
  trace,
  type Span,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';

export const TRACER_NAME = 'tasker';

/** Span names. */
export const SPANS = { submit: 'tasker.submit', step: 'tasker.step', task: 'tasker.task' } as const;

/** Attribute names on Tasker spans (docs/observability.md lists them). */
export const ATTR = {
  taskId: 'tasker.task_id',
  namespace: 'tasker.namespace',
  taskName: 'tasker.task_name',
  taskVersion: 'tasker.task_version',
  correlationId: 'tasker.correlation_id',
  stepName: 'tasker.step_name',
  stepId: 'tasker.workflow_step_id',
  attempt: 'tasker.attempt',
  workerId: 'tasker.worker_id',
  stepOutcome: 'tasker.step.outcome',
  taskState: 'tasker.task.state',
  taskDurationMs: 'tasker.task.duration_ms',
  stepCount: 'tasker.task.step_count',
  created: 'tasker.submit.created',
  reason: 'tasker.reason',
} as const;

/** The provider the API answers with while no SDK is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

/**
 * Whether an SDK (any tracer provider) is registered. A few property reads: the engine asks once per claimed batch
 * and per submission, and does nothing else for tracing while the answer is no.
 */
export function tracingActive(): boolean {
  const provider = trace.getTracerProvider();
  return !(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== NOOP_PROVIDER;
}

let tracerOf: TracerProvider | null = null;
let cached: Tracer | null = null;

/** The `tasker` tracer of the provider registered now (cached until another provider is registered). */
export function taskerTracer(): Tracer {
  const provider = trace.getTracerProvider();
  if (provider !== tracerOf || cached === null) {
    tracerOf = provider;
    cached = provider.getTracer(TRACER_NAME);
  }
  return cached;
}

/** A span that records nothing: what `step.span` is while tracing is off. */
export const NON_RECORDING_SPAN: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/** An error as a span event and ERROR status (an Error, or a stored step error `{class, message, code, stack}`). */
export function recordFailure(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    return;
  }
  const e = (error ?? {}) as { class?: string; message?: string; code?: string | null; stack?: string | null };
  const message = String(e.message ?? error);
  span.recordException({
    name: e.class ?? 'Error',
    message,
    ...(e.code ? { code: e.code } : {}),
    ...(e.stack ? { stack: e.stack } : {}),
  });
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
