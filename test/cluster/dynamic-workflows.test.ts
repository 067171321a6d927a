// Dynamic workflows across `tasker worker` processes on the real PostgreSQL: two workers park 100 approval steps
// (signal waits) and a submitter that runs no step signals them all — every task completes and each handler after
// the wait ran once per task; a timer parked by workers that are then killed fires in a worker started afterwards;
// a sub-workflow chain runs its parent and child steps across both workers. Invariants, not timings.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tasker } from '../../src/engine/tasker.js';
import { LimitWorkers } from './limit-workers.js';

const TEMPLATES = {
  'approval.yaml': `---
name: approval
namespace_name: dyn
version: 1.0.0
module_namespace: Dyn
step_templates:
  - name: request
  - name: manager_approval
    depends_on_step: request
    wait_for: { signal: approval, timeout: 1h }
  - name: apply
    depends_on_step: manager_approval
`,
  'reminder.yaml': `---
name: reminder
namespace_name: dyn
version: 1.0.0
module_namespace: Dyn
step_templates:
  - name: wait_a_bit
    wait_for: { duration: 3s }
  - name: remind
    depends_on_step: wait_a_bit
`,
  'onboarding.yaml': `---
name: onboarding
namespace_name: dyn
version: 1.0.0
module_namespace: Dyn
step_templates:
  - name: create_account
  - name: kyc
    depends_on_step: create_account
    subtask: { namespace: dyn, name: kyc_check }
  - name: welcome
    depends_on_step: kyc
`,
  'kyc_check.yaml': `---
name: kyc_check
namespace_name: dyn
version: 1.0.0
module_namespace: Dyn
step_templates:
  - name: verify_identity
`,
};

// Each run logs "start <step> <task> <time>" (which process ran what).
const HANDLERS = `
import { appendFileSync } from 'node:fs';
const file = process.env.LIMITS_LOG_DIR + '/' + process.pid + '.log';
const log = (step, task) => appendFileSync(file, ['start', step, task.task_id, Date.now()].join(' ') + '\\n');
export const handlers = {
  'Dyn::RequestHandler': (task) => { log('request', task); return { ok: true }; },
  'Dyn::ApplyHandler': (task, seq) => { log('apply', task); return seq.findStepByName('manager_approval').results; },
  'Dyn::RemindHandler': (task) => { log('remind', task); return { reminded: true }; },
  'Dyn::CreateAccountHandler': (task) => { log('create_account', task); return { account: 'a-' + task.task_id }; },
  'Dyn::WelcomeHandler': (task, seq) => { log('welcome', task); return seq.findStepByName('kyc').results; },
  'Dyn::VerifyIdentityHandler': (task) => { log('verify_identity', task); return { verified: task.context.customer }; },
};
`;

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 1200; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('dynamic workflows across worker processes on PostgreSQL', () => {
  let cluster: LimitWorkers;
  let submitter: Tasker;

  beforeEach(async () => {
    cluster = new LimitWorkers(TEMPLATES, HANDLERS);
    submitter = await cluster.openSubmitter(); // migrates the schema the workers then open
    await Promise.all([cluster.startWorker(), cluster.startWorker()]);
  });
  afterEach(async () => {
    await cluster.cleanup();
  });

  it('parks signal waits in two workers and completes each task once when signalled from elsewhere', async () => {
    const tasks = await submitter.submitMany(
      Array.from({ length: 100 }, () => ({ namespace: 'dyn', name: 'approval', context: {} })),
    );
    const ids = tasks.map((t) => t.task_id);
    for (const id of ids) {
      await until(
        () => submitter.getTask(id),
        (t) => t!.workflow_steps.find((s) => s.name === 'manager_approval')!.waiting_for === 'signal',
        `task ${id} to wait for its signal`,
      );
    }
    for (const id of ids) await submitter.signal(id, 'approval', { approved: id });
    for (const id of ids) {
      const done = await submitter.waitForTask(id, { timeoutMs: 60_000 });
      expect(done.current_state).toBe('completed');
      expect(done.workflow_steps.find((s) => s.name === 'apply')!.results).toEqual({ approved: id });
    }
    const applies = cluster.runs().filter((r) => r.key === 'apply');
    expect(applies).toHaveLength(100);
    expect(new Set(applies.map((r) => r.task)).size).toBe(100);
  });

  it('fires a timer parked by workers that were killed, in a worker started afterwards', async () => {
    const { task_id } = await submitter.submit({ namespace: 'dyn', name: 'reminder', context: {} });
    await until(
      () => submitter.getTask(task_id),
      (t) => t!.workflow_steps.find((s) => s.name === 'wait_a_bit')!.waiting_for === 'timer',
      'the timer to park',
    );
    await cluster.killWorkers();
    expect((await submitter.getTask(task_id))!.current_state).toBe('running');
    await cluster.startWorker();
    const done = await submitter.waitForTask(task_id, { timeoutMs: 60_000 });
    expect(done.current_state).toBe('completed');
    expect(cluster.runs().filter((r) => r.key === 'remind' && r.task === task_id)).toHaveLength(1);
  });

  it('runs sub-workflows across the workers', async () => {
    const created = await submitter.submitMany(
      Array.from({ length: 20 }, (_, i) => ({ namespace: 'dyn', name: 'onboarding', context: { customer: `c${i}` } })),
    );
    for (const [i, { task_id }] of created.entries()) {
      const done = await submitter.waitForTask(task_id, { timeoutMs: 60_000 });
      expect(done.current_state).toBe('completed');
      expect(done.workflow_steps.find((s) => s.name === 'welcome')!.results).toEqual({
        verify_identity: { verified: `c${i}` },
      });
      expect(done.subtasks).toHaveLength(1);
    }
    expect(cluster.runs().filter((r) => r.key === 'verify_identity')).toHaveLength(20);
  });
});
