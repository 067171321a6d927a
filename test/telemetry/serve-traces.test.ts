// Traces from real processes to a real OTLP/HTTP receiver: `tasker serve --workers 2` exporting over http/json, a
// task created with POST /tasker/tasks and a `traceparent` header; and `tasker run` delivering over http/protobuf.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OtlpReceiver, type ReceivedSpan } from './otlp-receiver.js';
import { startTasker, TRACE_HANDLERS, TRACE_TEMPLATES, type TaskerChild } from './processes.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('traces from tasker processes', () => {
  let receiver: OtlpReceiver;
  let dir: string;
  const children: TaskerChild[] = [];

  beforeEach(async () => {
    receiver = await OtlpReceiver.start();
    dir = mkdtempSync(join(tmpdir(), 'tasker-otel-'));
  });
  afterEach(async () => {
    await Promise.all(children.splice(0).map((c) => c.stop()));
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serve --workers 2 exports every step span of a task created with a traceparent, under that trace', async () => {
    const log = join(dir, 'steps.log');
    const serve = startTasker(
      [
        'serve',
        '--port',
        '0',
        '--workers',
        '2',
        '--templates',
        TRACE_TEMPLATES,
        '--handlers',
        TRACE_HANDLERS,
        '--db',
        `sqlite:${join(dir, 'tasker.db')}`,
      ],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_SERVICE_NAME: 'tasker-under-test',
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_TEST_LOG: log,
      },
    );
    children.push(serve);
    const base = (await serve.waitFor(/listening on (http:\/\/[^ ]+\/tasker)/))[1]!;
    const created = await fetch(`${base}/tasks`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01`,
        tracestate: 'vendor=opaque',
      },
      body: JSON.stringify({ namespace: 'otel', name: 'traced', context: { order_id: 42 } }),
    });
    expect(created.status).toBe(201);
    const { task_id } = (await created.json()) as { task_id: number };
    let state = 'running';
    while (state === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      state = ((await (await fetch(`${base}/tasks/${task_id}`)).json()) as { current_state: string }).current_state;
    }
    expect(state).toBe('completed');

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'tasker.task'));
    const ours = spans.filter((s) => s.traceId === TRACE_ID);
    // Every Tasker span belongs to the caller's trace (the test's status polls are traces of their own).
    expect(spans.filter((s) => s.name.startsWith('tasker.') && s.traceId !== TRACE_ID)).toEqual([]);
    const byId = new Map(ours.map((s) => [s.spanId, s]));
    const ancestors = (s: ReceivedSpan): string[] => {
      const out: string[] = [];
      for (let p = s.parentSpanId; p !== null; p = byId.get(p)?.parentSpanId ?? null) out.push(p);
      return out;
    };

    // The HTTP server span continues the caller's trace; the submission runs under it.
    const server = ours.find((s) => s.kind === 2)!;
    expect(server.parentSpanId).toBe(CALLER_SPAN);
    expect(server.scope).toBe('@fastify/otel');
    const submit = only(ours, 'tasker.submit');
    expect(ancestors(submit)).toContain(server.spanId);
    expect(ancestors(submit).at(-1)).toBe(CALLER_SPAN);
    expect(submit.attributes).toMatchObject({
      'tasker.task_id': task_id,
      'tasker.namespace': 'otel',
      'tasker.task_name': 'traced',
      'tasker.task_version': '1.0.0',
    });
    expect(submit.resource['service.name']).toBe('tasker-under-test');

    // Every attempt of every step: a child of the submission, with its attributes; the flaky step twice.
    const steps = ours.filter((s) => s.name === 'tasker.step');
    expect(
      steps.map((s) => `${String(s.attributes['tasker.step_name'])}#${String(s.attributes['tasker.attempt'])}`).sort(),
    ).toEqual(['finish#1', 'flaky#1', 'flaky#2', 'measured#1', 'start#1']);
    for (const s of steps) {
      expect(s.parentSpanId).toBe(submit.spanId);
      expect(s.kind).toBe(5); // consumer
      expect(s.attributes).toMatchObject({
        'tasker.task_id': task_id,
        'tasker.namespace': 'otel',
        'tasker.task_name': 'traced',
        'tasker.task_version': '1.0.0',
        'tasker.correlation_id': submit.attributes['tasker.correlation_id'],
      });
      expect(typeof s.attributes['tasker.workflow_step_id']).toBe('number');
      expect(String(s.attributes['tasker.worker_id'])).not.toBe('');
    }
    const [first, second] = steps
      .filter((s) => s.attributes['tasker.step_name'] === 'flaky')
      .sort((a, b) => Number(a.attributes['tasker.attempt']) - Number(b.attributes['tasker.attempt']));
    expect(first!.status).toEqual({ code: 2, message: 'flaky fails its first attempt' });
    expect(first!.attributes['tasker.step.outcome']).toBe('retrying');
    expect(first!.events.map((e) => e.name)).toEqual(['exception']);
    expect(second!.status.code).toBe(0);
    expect(second!.attributes['tasker.step.outcome']).toBe('completed');
    expect(steps.filter((s) => s !== first).every((s) => s.attributes['tasker.step.outcome'] === 'completed')).toBe(
      true,
    );

    // The handler's own span is a child of its step span; each handler saw its own span's context.
    const measured = steps.find((s) => s.attributes['tasker.step_name'] === 'measured')!;
    const custom = only(ours, 'custom_business_operation');
    expect(custom.parentSpanId).toBe(measured.spanId);
    expect(custom.attributes).toEqual({ order_id: 42 });
    const seen = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { step: string; attempt: number; traceparent: string; tracestate?: string });
    for (const line of seen) {
      const span = steps.find(
        (s) => s.attributes['tasker.step_name'] === line.step && s.attributes['tasker.attempt'] === line.attempt,
      )!;
      expect(line.traceparent).toBe(`00-${TRACE_ID}-${span.spanId}-01`);
      expect(line.tracestate).toBe('vendor=opaque');
    }

    const end = only(ours, 'tasker.task');
    expect(end.parentSpanId).toBe(submit.spanId);
    expect(end.attributes).toMatchObject({ 'tasker.task_id': task_id, 'tasker.task.state': 'completed' });
    expect(
      receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType.startsWith('application/json')),
    ).toBe(true);

    expect(await serve.stop()).toBe(0);
  });

  it('tasker run delivers over http/protobuf (the default) to /v1/traces before it exits', async () => {
    const run = startTasker(
      [
        'run',
        'otel/traced',
        '--json',
        '--templates',
        TRACE_TEMPLATES,
        '--handlers',
        TRACE_HANDLERS,
        '--db',
        `sqlite:${join(dir, 'tasker.db')}`,
      ],
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    );
    children.push(run);
    expect(await run.exit).toBe(0);
    expect(JSON.parse(run.stdout()) as { current_state: string }).toMatchObject({
      current_state: 'completed',
    });
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const r of receiver.requests) {
      expect(r.path).toBe('/v1/traces');
      expect(r.contentType).toBe('application/x-protobuf');
      expect(r.body.length).toBeGreaterThan(0);
    }
    // The protobuf body names the spans (strings are stored as they are).
    const body = Buffer.concat(receiver.requests.map((r) => r.body)).toString('latin1');
    for (const name of ['tasker.submit', 'tasker.step', 'tasker.task', 'custom_business_operation']) {
      expect(body).toContain(name);
    }
  });
});

function only(spans: ReceivedSpan[], name: string): ReceivedSpan {
  const found = spans.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
}
