// When the CLI exports traces, read from the standard OTEL_* environment without loading the SDK: nothing unless an
// exporter or an OTLP endpoint is named; values Tasker cannot honour are refused with what to use instead (exit 2).
import { describe, expect, it } from 'vitest';
import { tracesConfig } from '../../src/cli/tracing-config.js';
import { runCli } from '../cli/cli-runner.js';

describe('tracesConfig', () => {
  it('exports nothing unless an exporter or an endpoint is named', () => {
    expect(tracesConfig({})).toBeNull();
    expect(tracesConfig({ OTEL_SERVICE_NAME: 'x', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toBeNull();
    expect(tracesConfig({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBeNull();
    expect(tracesConfig({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'console' })).toBeNull();
  });

  it('reads the exporters and the protocol', () => {
    expect(tracesConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
    });
    expect(tracesConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' })).toEqual({
      exporters: ['otlp'],
      protocol: 'http/protobuf',
    });
    expect(
      tracesConfig({ OTEL_TRACES_EXPORTER: ' OTLP , console ', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    ).toEqual({ exporters: ['otlp', 'console'], protocol: 'http/json' });
    expect(
      tracesConfig({
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      }),
    ).toEqual({ exporters: ['otlp'], protocol: 'http/json' });
    expect(tracesConfig({ OTEL_TRACES_EXPORTER: 'console', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toEqual({
      exporters: ['console'],
      protocol: 'http/protobuf',
    });
  });

  it('refuses exporters and protocols it cannot honour, saying what to use', () => {
    expect(() => tracesConfig({ OTEL_TRACES_EXPORTER: 'zipkin' })).toThrow(
      "OTEL_TRACES_EXPORTER=zipkin: 'zipkin' is not supported; use otlp, console or none",
    );
    expect(() => tracesConfig({ OTEL_TRACES_EXPORTER: 'none,console' })).toThrow("'none' cannot be combined");
    expect(() =>
      tracesConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }),
    ).toThrow('OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: use http/protobuf (the default) or http/json');
  });

  it('makes the CLI exit 2 with that message before it opens anything', async () => {
    const res = await runCli(['submit', 'any/template', '--db', 'sqlite::memory:'], {
      env: { OTEL_TRACES_EXPORTER: 'jaeger' },
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("OTEL_TRACES_EXPORTER=jaeger: 'jaeger' is not supported; use otlp, console or none");
  });
});
