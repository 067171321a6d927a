// Traces in process, on both stores, with the real OpenTelemetry SDK (an in-memory exporter): with no SDK registered
// nothing is traced or stored; with one, a submission, each step attempt, a handler's own span and the task's end
// form one trace under the caller's span, and lifecycle events carry its ids.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { context, propagation, trace as otel, type Span } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { routeTo } from '../../src/core/handler-api.js';
import { trace } from '../../src/telemetry/trace-helper.js';
import type { AnyEventPayload } from '../../src/engine/events.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { memoryLogger } from '../support/logs.js';

const template = defineTask({
  name: 'traced',
  namespace_name: 'tr',
  version: '2.0.0',
  module_namespace: 'Tr',
  step_templates: [
    { name: 'a' },
    { name: 'b', depends_on_step: 'a', retry: { base: 5, multiplier: 1, max: 5, jitter: 0 } },
    { name: 'c', depends_on_step: 'a' },
    { name: 'd', depends_on_step: ['b', 'c'] },
  ],
});

const routed = defineTask({
  name: 'routed',
  namespace_name: 'tr',
  version: '1.0.0',
  module_namespace: 'Tr',
  step_templates: [
    { name: 'router' },
    { name: 'chosen', depends_on_step: 'router' },
    { name: 'passed_over', depends_on_step: 'router' },
  ],
});

const slow = defineTask({
  name: 'slow',
  namespace_name: 'tr',
  version: '1.0.0',
  module_namespace: 'Tr',
  step_templates: [{ name: 'wait' }],
});

const doomed = defineTask({
  name: 'doomed',
  namespace_name: 'tr',
  version: '1.0.0',
  module_namespace: 'Tr',
  step_templates: [{ name: 'broken', default_retryable: false }],
});

let waiting: () => void = () => undefined;

interface Seen {
  spanId: string | null;
  recording: boolean;
  traceparent: string | null;
  helper: unknown;
}

function handlers(seen: Seen[]) {
  return {
    'Tr::AHandler': () => ({ a: 1 }),
    'Tr::BHandler': (_t: unknown, _s: unknown, step: { attempts: number }) => {
      if (step.attempts === 1) throw new Error('first try fails');
      return { b: 2 };
    },
    'Tr::CHandler': async (
      _t: unknown,
      _s: unknown,
      step: { span: Span; traceContext: { traceparent: string } | null },
    ) => {
      const helper = await trace('custom_business_operation', async (span) => {
        span.setAttribute('order_id', 42);
        return 'done';
      });
      seen.push({
        spanId: step.span.isRecording() ? step.span.spanContext().spanId : null,
        recording: step.span.isRecording(),
        traceparent: step.traceContext?.traceparent ?? null,
        helper,
      });
      return { c: 3 };
    },
    'Tr::DHandler': () => ({ d: 4 }),
    'Tr::RouterHandler': () => routeTo('chosen', { route: 'chosen' }),
    'Tr::ChosenHandler': () => ({ chosen: true }),
    'Tr::PassedOverHandler': () => ({ never: true }),
    'Tr::BrokenHandler': () => {
      throw new Error('broken for good');
    },
    'Tr::WaitHandler': (_t: unknown, _s: unknown, step: { signal: AbortSignal }) =>
      new Promise((_resolve, reject) => {
        step.signal.addEventListener('abort', () => reject(new Error('aborted')));
        waiting();
      }),
  };
}

const sid = (s: ReadableSpan) => s.spanContext().spanId;
const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId ?? null;
const ms = (t: readonly [number, number]) => t[0] * 1000 + Math.round(t[1] / 1e6);

describe.each(STORE_KINDS)('traces on $kind', ({ make }) => {
  describe('with no SDK registered', () => {
    let db: TestDb;
    let tasker: Tasker;
    const seen: Seen[] = [];
    const events: AnyEventPayload[] = [];

    beforeAll(async () => {
      db = make();
      tasker = await openTestEngine(db, { templates: [template], handlers: handlers(seen) });
      tasker.subscribe((e: AnyEventPayload) => events.push(e), ['*']);
    });
    afterAll(async () => {
      await tasker.close();
      await db.cleanup();
    });

    it('stores no trace context, adds no ids to events, and the helper still runs', async () => {
      const done = await tasker.run({ namespace: 'tr', name: 'traced' });
      expect(done.current_state).toBe('completed');
      const stored = (await tasker.store.getTaskContexts([done.task_id])).get(done.task_id)!;
      expect(stored.trace_context).toBeNull();
      expect(seen).toEqual([{ spanId: null, recording: false, traceparent: null, helper: 'done' }]);
      expect(events.length).toBeGreaterThan(0);
      expect(events.filter((e) => 'trace_id' in e || 'span_id' in e)).toEqual([]);
    });
  });

  describe('with an SDK registered', () => {
    let db: TestDb;
    let tasker: Tasker;
    const exporter = new InMemorySpanExporter();
    const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const seen: Seen[] = [];
    const events: AnyEventPayload[] = [];
    const log = memoryLogger();

    beforeAll(async () => {
      provider.register();
      db = make();
      tasker = await openTestEngine(db, {
        templates: [template, routed, slow, doomed],
        handlers: handlers(seen),
        logger: log.logger,
      });
      tasker.subscribe((e: AnyEventPayload) => events.push(e), ['*']);
    });
    afterAll(async () => {
      await tasker.close();
      await provider.shutdown();
      otel.disable();
      context.disable();
      propagation.disable();
      await db.cleanup();
    });

    it('puts the submission, every attempt, a handler span and the task end in the caller trace', async () => {
      const tracer = otel.getTracer('test');
      const caller = tracer.startSpan('caller');
      const { task_id } = await context.with(otel.setSpan(context.active(), caller), () =>
        tasker.submit({ namespace: 'tr', name: 'traced', context: { n: 1 } }),
      );
      const task = await tasker.waitForTask(task_id);
      caller.end();
      expect(task.current_state).toBe('completed');
      await tasker.idle();
      await provider.forceFlush();
      const traceId = caller.spanContext().traceId;
      const spans = exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);

      const submit = spans.find((s) => s.name === 'tasker.submit')!;
      expect(parentOf(submit)).toBe(caller.spanContext().spanId);
      expect(submit.attributes).toMatchObject({
        'tasker.task_id': task_id,
        'tasker.namespace': 'tr',
        'tasker.task_name': 'traced',
        'tasker.task_version': '2.0.0',
        'tasker.correlation_id': task.correlation_id,
        'tasker.submit.created': true,
      });
      const stored = (await tasker.store.getTaskContexts([task_id])).get(task_id)!;
      expect(JSON.parse(stored.trace_context!)).toEqual({ traceparent: `00-${traceId}-${sid(submit)}-01` });

      const steps = spans.filter((s) => s.name === 'tasker.step');
      const byStep = (name: string) => steps.filter((s) => s.attributes['tasker.step_name'] === name);
      expect(
        steps
          .map((s) => `${String(s.attributes['tasker.step_name'])}#${String(s.attributes['tasker.attempt'])}`)
          .sort(),
      ).toEqual(['a#1', 'b#1', 'b#2', 'c#1', 'd#1']);
      for (const s of steps) {
        expect(parentOf(s)).toBe(sid(submit));
        expect(s.attributes).toMatchObject({
          'tasker.task_id': task_id,
          'tasker.namespace': 'tr',
          'tasker.task_name': 'traced',
          'tasker.task_version': '2.0.0',
          'tasker.correlation_id': task.correlation_id,
          'tasker.worker_id': tasker.workerId,
        });
        expect(s.attributes['tasker.workflow_step_id']).toBe(
          task.workflow_steps.find((w) => w.name === s.attributes['tasker.step_name'])!.workflow_step_id,
        );
      }
      const [b1, b2] = byStep('b').sort(
        (x, y) => Number(x.attributes['tasker.attempt']) - Number(y.attributes['tasker.attempt']),
      );
      expect(b1!.attributes['tasker.step.outcome']).toBe('retrying');
      expect(b1!.status).toMatchObject({ code: 2, message: 'first try fails' });
      expect(b1!.events.map((e) => e.name)).toEqual(['exception']);
      expect(b1!.events[0]!.attributes).toMatchObject({
        'exception.type': 'Error',
        'exception.message': 'first try fails',
      });
      // the engine's line about the failed attempt names the attempt's own span
      const retried = log.find('it will be retried').filter((l) => l.task_id === task_id);
      expect(retried).toHaveLength(1);
      expect(retried[0]).toMatchObject({ step: 'b', attempt: 1, trace_id: traceId, span_id: sid(b1!) });
      expect(b2!.attributes['tasker.step.outcome']).toBe('completed');
      expect(b2!.status.code).toBe(0);

      const c = byStep('c')[0]!;
      const custom = spans.find((s) => s.name === 'custom_business_operation')!;
      expect(parentOf(custom)).toBe(sid(c));
      expect(custom.attributes).toEqual({ order_id: 42 });
      expect(seen).toEqual([
        { spanId: sid(c), recording: true, traceparent: `00-${traceId}-${sid(c)}-01`, helper: 'done' },
      ]);

      const end = spans.find((s) => s.name === 'tasker.task')!;
      expect(parentOf(end)).toBe(sid(submit));
      expect(end.attributes).toMatchObject({ 'tasker.task_id': task_id, 'tasker.task.state': 'completed' });
      expect(ms(end.startTime)).toBe(Date.parse(task.created_at));
      expect(end.attributes['tasker.task.duration_ms']).toBe(
        Date.parse(task.completed_at!) - Date.parse(task.created_at),
      );

      const ofTask = events.filter((e) => e.task_id === task_id);
      const completedC = ofTask.find((e) => e.event === 'step.completed' && 'step_name' in e && e.step_name === 'c')!;
      expect(completedC).toMatchObject({ trace_id: traceId, span_id: sid(c) });
      const failedB = ofTask.find((e) => e.event === 'step.attempt_failed')!;
      expect(failedB).toMatchObject({ trace_id: traceId, span_id: sid(b1!) });
      expect(ofTask.find((e) => e.event === 'task.completed')).toMatchObject({ trace_id: traceId, span_id: sid(end) });
      expect(ofTask.every((e) => e.trace_id === traceId)).toBe(true);
    });

    it('gives a step skipped by routing a zero-length span, and a cancelled task its end span', async () => {
      const done = await tasker.run({ namespace: 'tr', name: 'routed' });
      expect(done.current_state).toBe('completed');
      const started = new Promise<void>((resolve) => (waiting = resolve));
      const { task_id } = await tasker.submit({ namespace: 'tr', name: 'slow' });
      await started;
      expect(await tasker.cancelTask(task_id)).toBe(true);
      await tasker.idle();
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans();
      const ofTask = (id: number) => spans.filter((s) => s.attributes['tasker.task_id'] === id);

      const routedSpans = ofTask(done.task_id);
      const submit = routedSpans.find((s) => s.name === 'tasker.submit')!;
      const skipped = routedSpans.find((s) => s.attributes['tasker.step_name'] === 'passed_over')!;
      expect(skipped.name).toBe('tasker.step');
      expect(parentOf(skipped)).toBe(sid(submit));
      expect(skipped.attributes).toMatchObject({
        'tasker.step.outcome': 'skipped',
        'tasker.attempt': 0,
        'tasker.reason': 'routed away',
      });
      const skippedEvent = events.find((e) => e.task_id === done.task_id && e.event === 'step.skipped')!;
      expect(skippedEvent).toMatchObject({ trace_id: submit.spanContext().traceId, span_id: sid(skipped) });

      const cancelledSpans = ofTask(task_id);
      const cancelSubmit = cancelledSpans.find((s) => s.name === 'tasker.submit')!;
      const step = cancelledSpans.find((s) => s.name === 'tasker.step')!;
      expect(step.attributes['tasker.step.outcome']).toBe('cancelled');
      const end = cancelledSpans.find((s) => s.name === 'tasker.task')!;
      expect(parentOf(end)).toBe(sid(cancelSubmit));
      expect(end.attributes['tasker.task.state']).toBe('cancelled');
      expect(events.find((e) => e.task_id === task_id && e.event === 'task.cancelled')).toMatchObject({
        span_id: sid(end),
      });
    });

    it('shows an operator-resolved step as a zero-length span, and each end of the task', async () => {
      const failed = await tasker.run({ namespace: 'tr', name: 'doomed' });
      expect(failed.current_state).toBe('failed');
      const broken = failed.workflow_steps[0]!;
      await tasker.operate({
        type: 'resolve_step',
        task_id: failed.task_id,
        step_id: broken.workflow_step_id,
        results: { fixed: true },
        actor: 'ops',
      });
      expect((await tasker.waitForTask(failed.task_id)).current_state).toBe('completed');
      await tasker.idle();
      await provider.forceFlush();
      const spans = exporter.getFinishedSpans().filter((s) => s.attributes['tasker.task_id'] === failed.task_id);
      const submit = spans.find((s) => s.name === 'tasker.submit')!;
      const steps = spans.filter((s) => s.name === 'tasker.step');
      expect(steps.map((s) => s.attributes['tasker.step.outcome'])).toEqual(['failed', 'resolved_manually']);
      expect(steps[0]!.status.code).toBe(2);
      expect(steps[1]!.attributes).toMatchObject({ 'tasker.attempt': 0, 'tasker.reason': 'operator' });
      const ends = spans.filter((s) => s.name === 'tasker.task');
      expect(ends.map((s) => s.attributes['tasker.task.state'])).toEqual(['failed', 'completed']);
      expect(ends[0]!.status.code).toBe(2);
      for (const s of [...steps, ...ends]) expect(parentOf(s)).toBe(sid(submit));
    });
  });
});
