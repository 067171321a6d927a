// Traces of cron schedules, with the real OpenTelemetry SDK (an in-memory exporter): each tick's task starts a trace
// of its own (its `tasker.submit` span is a root, whatever span is active when the scheduler runs), its steps join
// that trace, a process that loses the race for a tick exports no span for it, and a trigger belongs to the trace of
// whoever asked for it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace as otel } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { openTestEngine } from '../support/engine.js';
import { sqliteDb, type TestDb } from '../support/stores.js';

const HOUR = 3_600_000;
const BASE = Math.ceil(Date.now() / HOUR) * HOUR + HOUR;

const template = defineTask({
  name: 'ticking',
  namespace_name: 'tr',
  version: '1.0.0',
  module_namespace: 'Tr',
  step_templates: [{ name: 'work' }],
  schedules: [{ name: 'hourly', cron: '0 * * * *' }],
});

const parentOf = (s: ReadableSpan): string | undefined => s.parentSpanContext?.spanId;

describe('spans of scheduled tasks', () => {
  let db: TestDb;
  let a: Tasker;
  let b: Tasker;
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });

  beforeAll(async () => {
    provider.register();
    db = sqliteDb();
    const options = { templates: [template], handlers: { 'Tr::WorkHandler': () => ({ ok: true }) } };
    a = await openTestEngine(db, { ...options, schedules: false });
    b = await openTestEngine(db, { ...options, start: false });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await provider.shutdown();
    otel.disable();
    context.disable();
    propagation.disable();
    await db.cleanup();
  });

  it("a tick's task is the root of its own trace, with one submit span however many processes ticked", async () => {
    await a.schedules.tick(BASE - HOUR + 1); // both watch from here
    await b.schedules.tick(BASE - HOUR + 1);
    const caller = otel.getTracer('test').startSpan('unrelated caller');
    const created = await context.with(otel.setSpan(context.active(), caller), async () => {
      const [first, second] = await Promise.all([a.schedules.tick(BASE), b.schedules.tick(BASE)]);
      return [...first!, ...second!];
    });
    caller.end();
    expect(created).toHaveLength(1);
    const task = await a.waitForTask(created[0]!.task_id, { timeoutMs: 30_000 });
    expect(task.current_state).toBe('completed');
    await a.idle();
    await provider.forceFlush();
    const submits = exporter.getFinishedSpans().filter((s) => s.name === 'tasker.submit');
    expect(submits).toHaveLength(1);
    const submit = submits[0]!;
    expect(parentOf(submit)).toBeUndefined();
    expect(submit.spanContext().traceId).not.toBe(caller.spanContext().traceId);
    expect(submit.attributes).toMatchObject({ 'tasker.task_id': task.task_id, 'tasker.submit.created': true });
    const steps = exporter.getFinishedSpans().filter((s) => s.name === 'tasker.step');
    expect(steps.map((s) => s.spanContext().traceId)).toEqual([submit.spanContext().traceId]);
  });

  it('a trigger is part of the trace that asked for it', async () => {
    exporter.reset();
    const caller = otel.getTracer('test').startSpan('operator request');
    const ref = { namespace: 'tr', name: 'ticking', schedule: 'hourly' };
    const { task_id } = await context.with(otel.setSpan(context.active(), caller), () =>
      a.schedules.trigger(ref, { actor: 'ops:alice' }),
    );
    caller.end();
    await a.waitForTask(task_id, { timeoutMs: 30_000 });
    await provider.forceFlush();
    const submit = exporter.getFinishedSpans().find((s) => s.name === 'tasker.submit')!;
    expect(parentOf(submit)).toBe(caller.spanContext().spanId);
  });
});
