// The OpenTelemetry SDK of the CLI's processes (run, worker, serve, submit, resume): started only when the standard
// environment asks for traces (tracing-config.ts), and imported lazily, so a process without it loads none of the
// SDK. It registers a Node tracer provider (async-context propagation, W3C propagator) with a batch span processor
// per exporter (OTLP over HTTP, protobuf or JSON, and/or the console on stderr), the resource from OTEL_SERVICE_NAME (default
// `tasker`) and OTEL_RESOURCE_ATTRIBUTES, and for `serve` the `@fastify/otel` instrumentation (HTTP server spans).
// `shutdown()` flushes what is buffered; commands without their own SIGTERM handling flush on SIGTERM too.
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import { tracesConfig, type TracesConfig } from './tracing-config.js';

export interface TracingSdk {
  /** Flush buffered spans and stop exporting (once; later calls wait for the first). */
  shutdown(): Promise<void>;
}

export interface TracingOptions {
  /** Instrument Fastify servers created from now on (`tasker serve`). */
  http?: boolean;
  /** Flush on SIGTERM, then let the signal end the process (commands that do not handle SIGTERM themselves). */
  flushOnSigterm?: boolean;
}

/** Start the SDK when the environment asks for traces; null (nothing loaded) when it does not. */
export async function startTracingFromEnvironment(options: TracingOptions = {}): Promise<TracingSdk | null> {
  const config = tracesConfig();
  return config ? startTracing(config, options) : null;
}

async function exporterFor(kind: TracesConfig['exporters'][number], config: TracesConfig): Promise<SpanExporter> {
  if (kind === 'console') return new (await import('./stderr-span-exporter.js')).StderrSpanExporter();
  if (config.protocol === 'http/json')
    return new (await import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter();
  return new (await import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter();
}

async function startTracing(config: TracesConfig, options: TracingOptions): Promise<TracingSdk> {
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/resources'),
  ]);
  const exporters = await Promise.all(config.exporters.map((kind) => exporterFor(kind, config)));
  // Later resources win: the SDK's defaults, then Tasker's service name, then OTEL_SERVICE_NAME and
  // OTEL_RESOURCE_ATTRIBUTES.
  const resource = resources
    .defaultResource()
    .merge(resources.resourceFromAttributes({ 'service.name': 'tasker' }))
    .merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new NodeTracerProvider({
    resource,
    spanProcessors: exporters.map((exporter) => new BatchSpanProcessor(exporter)),
  });
  provider.register();
  let disableHttp: (() => void) | null = null;
  if (options.http) {
    const { FastifyOtelInstrumentation } = await import('@fastify/otel');
    const instrumentation = new FastifyOtelInstrumentation({
      registerOnInitialization: true,
      instrumentHooks: false,
      // Probes and scrapes would drown the traces.
      ignorePaths: ({ url }) => url.startsWith('/tasker/health') || url === '/tasker/metrics',
    });
    instrumentation.setTracerProvider(provider);
    instrumentation.enable();
    disableHttp = () => instrumentation.disable();
  }
  let stopping: Promise<void> | null = null;
  const sdk: TracingSdk = {
    shutdown() {
      stopping ??= (async () => {
        disableHttp?.();
        await provider.shutdown().catch((err: unknown) => {
          process.stderr.write(`tasker: could not flush traces: ${(err as Error).message}\n`);
        });
      })();
      return stopping;
    },
  };
  if (options.flushOnSigterm) {
    process.once('SIGTERM', () => {
      // With this listener gone, the same signal again ends the process as it would have without tracing.
      void sdk.shutdown().finally(() => process.kill(process.pid, 'SIGTERM'));
    });
  }
  return sdk;
}
