// OTEL_TRACES_EXPORTER=console for the CLI: the SDK's console exporter prints each finished span the same way, but on
// stderr, where the CLI's logs go, so stdout stays clean for `--json` and the progress view.
import { inspect } from 'node:util';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

type Done = Parameters<SpanExporter['export']>[1];

const micros = (t: readonly [number, number]): number => Math.round(t[0] * 1e6 + t[1] / 1e3);

export class StderrSpanExporter implements SpanExporter {
  export(spans: ReadableSpan[], done: Done): void {
    for (const span of spans) {
      const sc = span.spanContext();
      const info = {
        resource: { attributes: span.resource.attributes },
        instrumentationScope: span.instrumentationScope,
        traceId: sc.traceId,
        parentSpanContext: span.parentSpanContext,
        traceState: sc.traceState?.serialize(),
        name: span.name,
        id: sc.spanId,
        kind: span.kind,
        timestamp: micros(span.startTime),
        duration: micros(span.duration),
        attributes: span.attributes,
        status: span.status,
        events: span.events,
        links: span.links,
      };
      process.stderr.write(`${inspect(info, { depth: 3 })}\n`);
    }
    done({ code: 0 }); // ExportResultCode.SUCCESS
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}
