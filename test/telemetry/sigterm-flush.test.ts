// A `tasker worker` flushes its buffered spans when it is stopped with SIGTERM: with a batch delay far longer than
// the test, no step span reaches the receiver while the worker runs, and every one of them arrives once it is
// stopped (the worker's own SIGTERM handler drains the engine, then shuts the SDK down).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpReceiver } from './otlp-receiver.js';
import { startTasker, TRACE_HANDLERS, TRACE_TEMPLATES, type TaskerChild } from './processes.js';

describe('span flush on SIGTERM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-sigterm-'));
  const file = join(dir, 'tasker.db');
  let receiver: OtlpReceiver;
  let worker: TaskerChild | null = null;

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tasker worker exports the spans it still holds when it receives SIGTERM', async () => {
    const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' };
    const engine = ['--db', `sqlite:${file}`, '--templates', TRACE_TEMPLATES, '--handlers', TRACE_HANDLERS];
    const migrate = startTasker(['migrate', '--db', `sqlite:${file}`], {});
    expect(await migrate.exit).toBe(0);
    // Ten minutes between scheduled exports: only a flush can deliver the worker's spans during this test.
    worker = startTasker(['worker', ...engine], { ...otel, OTEL_BSP_SCHEDULE_DELAY: '600000' });
    await worker.waitFor(/tasker worker (\S+) running on/);

    const submit = startTasker(['submit', 'otel/fanout', ...engine], otel);
    expect(await submit.exit).toBe(0);
    const taskId = Number(submit.stdout().trim());
    expect(taskId).toBeGreaterThan(0);

    const db = new Database(file, { readonly: true });
    try {
      const state = db.prepare('SELECT state FROM tasks WHERE task_id = ?').pluck();
      while (state.get(taskId) !== 'completed') await new Promise((r) => setTimeout(r, 50));
    } finally {
      db.close();
    }
    // The submitter flushed its span when it exited; the worker has exported nothing yet.
    await receiver.waitFor((all) => all.some((s) => s.name === 'tasker.submit'));
    expect(receiver.spans().filter((s) => s.name === 'tasker.step')).toEqual([]);

    expect(await worker.stop()).toBe(0);
    worker = null;
    const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'tasker.task'));
    const steps = spans.filter((s) => s.name === 'tasker.step' && s.attributes['tasker.task_id'] === taskId);
    expect(steps).toHaveLength(10);
    const traceId = spans.find((s) => s.name === 'tasker.submit')!.traceId;
    expect(new Set(steps.map((s) => s.traceId))).toEqual(new Set([traceId]));
  });
});
