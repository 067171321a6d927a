// Whether the standard OpenTelemetry environment asks the CLI for traces, and how (the exporters and the OTLP
// protocol), read without loading any of the SDK. Exporting starts only when asked: OTEL_TRACES_EXPORTER names
// `otlp` and/or `console`, or an OTLP endpoint is set (`otlp` is then implied). OTEL_SDK_DISABLED=true and
// OTEL_TRACES_EXPORTER=none turn it off. The SDK itself reads the rest (endpoints, OTEL_SERVICE_NAME,
// OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_SCHEDULE_DELAY, headers, timeouts).
import { UsageError } from './cli-errors.js';

export type TracesExporter = 'otlp' | 'console';
export type OtlpProtocol = 'http/protobuf' | 'http/json';

export interface TracesConfig {
  exporters: TracesExporter[];
  protocol: OtlpProtocol;
}

type Environment = Readonly<Record<string, string | undefined>>;

function value(env: Environment, name: string): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === '' ? undefined : v;
}

/** The traces the environment asks for; null when it asks for none. A value Tasker cannot honour is a UsageError. */
export function tracesConfig(env: Environment = process.env): TracesConfig | null {
  if (value(env, 'OTEL_SDK_DISABLED')?.toLowerCase() === 'true') return null;
  const listed = value(env, 'OTEL_TRACES_EXPORTER');
  let exporters: TracesExporter[];
  if (listed !== undefined) {
    const names = [...new Set(listed.split(',').map((n) => n.trim().toLowerCase()))].filter((n) => n !== '');
    for (const n of names) {
      if (n !== 'otlp' && n !== 'console' && n !== 'none')
        throw new UsageError(`OTEL_TRACES_EXPORTER=${listed}: '${n}' is not supported; use otlp, console or none`);
    }
    if (names.includes('none')) {
      if (names.length > 1) throw new UsageError(`OTEL_TRACES_EXPORTER=${listed}: 'none' cannot be combined`);
      return null;
    }
    exporters = names as TracesExporter[];
  } else if (value(env, 'OTEL_EXPORTER_OTLP_ENDPOINT') || value(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT')) {
    exporters = ['otlp'];
  } else {
    return null;
  }
  const name = value(env, 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL')
    ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'
    : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const protocol = value(env, name) ?? 'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    if (exporters.includes('otlp'))
      throw new UsageError(`${name}=${protocol} is not supported: use http/protobuf (the default) or http/json`);
    return { exporters, protocol: 'http/protobuf' };
  }
  return { exporters, protocol };
}
