// On PostgreSQL, a task submitted by `tasker submit` in one process and run by two `tasker worker` processes is one
// trace: the submission's context travels with the task row, so every step span, whichever worker ran it, and the
// task's end share the submitter's trace id.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { PG_URL } from '../support/stores.js';
import { OtlpReceiver } from './otlp-receiver.js';
import { startTasker, TRACE_HANDLERS, TRACE_TEMPLATES, type TaskerChild } from './processes.js';

const LEAVES = 'abcdefgh'.split('').map((l) => `leaf_${l}`);

describe('traces across processes on postgres', () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = `${PG_URL}?schema=${schema}`;
  let receiver: OtlpReceiver;
  const workers: TaskerChild[] = [];

  beforeAll(async () => {
    receiver = await OtlpReceiver.start();
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop()));
    await receiver.close();
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    try {
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it('tasker submit and two tasker workers: every span of the task shares the submitter trace id', async () => {
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '100',
    };
    const engine = ['--db', db, '--templates', TRACE_TEMPLATES, '--handlers', TRACE_HANDLERS];
    const migrate = startTasker(['migrate', '--db', db], {});
    expect(await migrate.exit).toBe(0);
    for (let i = 0; i < 2; i++) {
      const w = startTasker(['worker', ...engine, '--concurrency', '1'], { ...otel, OTEL_TEST_STEP_MS: '100' });
      workers.push(w);
    }
    const ids = await Promise.all(workers.map(async (w) => (await w.waitFor(/tasker worker (\S+) running on/))[1]!));

    const submit = startTasker(['submit', 'otel/fanout', ...engine], otel);
    expect(await submit.exit).toBe(0);
    const taskId = Number(submit.stdout().trim());
    expect(taskId).toBeGreaterThan(0);

    const spans = await receiver.waitFor((all) => all.some((s) => s.name === 'tasker.task'));
    const submitted = spans.filter((s) => s.name === 'tasker.submit');
    expect(submitted).toHaveLength(1);
    const traceId = submitted[0]!.traceId;
    const ofTask = spans.filter((s) => s.attributes['tasker.task_id'] === taskId);
    expect(ofTask.map((s) => s.traceId)).toEqual(ofTask.map(() => traceId));

    const steps = ofTask.filter((s) => s.name === 'tasker.step');
    expect(steps.map((s) => s.attributes['tasker.step_name']).sort()).toEqual(['join', ...LEAVES, 'root'].sort());
    for (const s of steps) expect(s.parentSpanId).toBe(submitted[0]!.spanId);
    // Both workers ran steps (each runs one at a time, and every step takes a while), each under its own id.
    const ranBy = new Set(steps.map((s) => String(s.attributes['tasker.worker_id'])));
    expect([...ranBy].sort()).toEqual([...ids].sort());
    expect(ofTask.filter((s) => s.name === 'tasker.task')).toHaveLength(1);

    for (const w of workers) expect(await w.stop()).toBe(0);
  });
});
