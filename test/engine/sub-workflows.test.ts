// Sub-workflows through the library, on both stores: a three-level chain (onboarding -> kyc -> sanctions) completes
// with each parent step holding its child's results; context_from builds the child's context and a context the
// child's schema refuses fails the parent step for good; a failing child fails the parent step (retried with a new
// child per attempt); cancelling the parent cancels its children; the parked parent step holds no lease; children
// link to their parent and the parent lists them; a cycle between templates is refused at start; pruning takes a
// tree together.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { defineTask } from '../../src/definition/define-task.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { openTestEngine, sleep } from '../support/engine.js';

const sanctions = defineTask({
  name: 'sanctions',
  namespace_name: 'compliance',
  version: '1.0.0',
  module_namespace: 'Compliance',
  schema: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
  step_templates: [{ name: 'screen' }],
});

const kyc = defineTask({
  name: 'kyc_check',
  namespace_name: 'compliance',
  version: '2.1.0',
  module_namespace: 'Compliance',
  schema: { type: 'object', required: ['customer_id'], properties: { customer_id: { type: 'string' } } },
  step_templates: [
    { name: 'verify_identity', default_retry_limit: 1 },
    {
      name: 'sanctions',
      depends_on_step: 'verify_identity',
      subtask: { namespace: 'compliance', name: 'sanctions', context_from: { name: 'verify_identity.results.name' } },
    },
  ],
});

const onboarding = defineTask({
  name: 'onboarding',
  namespace_name: 'accounts',
  version: '1.0.0',
  module_namespace: 'Accounts',
  step_templates: [
    { name: 'create_account' },
    {
      name: 'kyc',
      depends_on_step: 'create_account',
      default_retry_limit: 2,
      retry: { base: 0 },
      subtask: {
        namespace: 'compliance',
        name: 'kyc_check',
        context_from: { customer_id: 'context.customer_id', account: 'create_account.results.account' },
      },
    },
    { name: 'welcome', depends_on_step: 'kyc' },
  ],
});

const badContext = defineTask({
  name: 'bad_context',
  namespace_name: 'accounts',
  version: '1.0.0',
  step_templates: [{ name: 'kyc', subtask: { namespace: 'compliance', name: 'kyc_check', context_from: {} } }],
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string): Promise<T> {
  for (let i = 0; i < 800; i++) {
    const v = await read();
    if (ok(v)) return v;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(STORE_KINDS)('sub-workflows on $kind', ({ make }) => {
  let db: TestDb;
  let tasker: Tasker;
  /** Customers whose identity check throws (a failing child). */
  const failing = new Set<string>();
  /** Customers whose screening waits until released (a child that runs while its parent is cancelled). */
  const held = new Set<string>();

  beforeAll(async () => {
    db = make();
    tasker = await openTestEngine(db, {
      templates: [sanctions, kyc, onboarding, badContext],
      pollIntervalMs: 50,
      handlers: {
        'Accounts::CreateAccountHandler': (t: { context: { customer_id: string } }) => ({
          account: `acct-${t.context.customer_id}`,
        }),
        'Accounts::WelcomeHandler': (_t: unknown, seq: { findStepByName(n: string): { results: unknown } }) => ({
          kyc: seq.findStepByName('kyc').results,
        }),
        'Compliance::VerifyIdentityHandler': (t: { context: { customer_id: string } }) => {
          if (failing.has(t.context.customer_id)) throw new Error(`identity of ${t.context.customer_id} not verified`);
          return { name: `Customer ${t.context.customer_id}` };
        },
        'Compliance::ScreenHandler': async (t: { context: { name: string } }) => {
          while (held.has(t.context.name)) await sleep(20);
          return { clear: true, screened: t.context.name };
        },
      },
    });
  });
  afterAll(async () => {
    await tasker?.close();
    await db?.cleanup();
  });

  it('runs a three-level chain; each parent step completes with its child results', async () => {
    const { task_id } = await tasker.submit({
      namespace: 'accounts',
      name: 'onboarding',
      context: { customer_id: 'c1' },
    });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('completed');
    const kycStep = done.workflow_steps.find((s) => s.name === 'kyc')!;
    expect(kycStep.results).toEqual({
      verify_identity: { name: 'Customer c1' },
      sanctions: { screen: { clear: true, screened: 'Customer c1' } },
    });
    expect(done.workflow_steps.find((s) => s.name === 'welcome')!.results).toEqual({ kyc: kycStep.results });
    expect(done.parent_task_id).toBeNull();
    expect(done.subtasks).toHaveLength(1);
    const child = (await tasker.getTask(done.subtasks[0]!.task_id))!;
    expect(child).toMatchObject({
      namespace: 'compliance',
      name: 'kyc_check',
      version: '2.1.0',
      current_state: 'completed',
      parent_task_id: task_id,
      parent_step_id: kycStep.workflow_step_id,
      context: { customer_id: 'c1', account: 'acct-c1' },
    });
    expect(child.subtasks).toHaveLength(1);
    const grandchild = (await tasker.getTask(child.subtasks[0]!.task_id))!;
    expect(grandchild).toMatchObject({
      name: 'sanctions',
      parent_task_id: child.task_id,
      context: { name: 'Customer c1' },
    });
  });

  it('parks the parent step without a lease while the child runs, and cancelling the parent cancels the tree', async () => {
    held.add('Customer c2');
    try {
      const { task_id } = await tasker.submit({
        namespace: 'accounts',
        name: 'onboarding',
        context: { customer_id: 'c2' },
      });
      const parent = await until(
        () => tasker.getTask(task_id),
        (t) => t!.workflow_steps.find((s) => s.name === 'kyc')!.waiting_for === 'subtask',
        'the kyc step to wait for its child',
      );
      const raw = (await tasker.store.getTask(task_id))!.workflow_steps.find((s) => s.name === 'kyc')!;
      expect(raw.current_state).toBe('pending');
      expect(raw.locked_by).toBeNull();
      const child = parent!.subtasks[0]!;
      const kycTask = await until(
        () => tasker.getTask(child.task_id),
        (t) => t!.subtasks.length === 1,
        'the grandchild',
      );
      expect(await tasker.cancelTask(task_id, { actor: 'test' })).toBe(true);
      expect((await tasker.getTask(task_id))!.current_state).toBe('cancelled');
      expect((await tasker.getTask(child.task_id))!.current_state).toBe('cancelled');
      expect((await tasker.getTask(kycTask!.subtasks[0]!.task_id))!.current_state).toBe('cancelled');
      const history = await tasker.getHistory(child.task_id);
      expect(history.find((h) => h.step_id === null && h.to_state === 'cancelled')!.reason).toBe(
        `its parent task ${task_id} was cancelled`,
      );
    } finally {
      held.delete('Customer c2');
    }
  });

  it('fails the parent step when the child fails; each retry runs a new child', async () => {
    failing.add('c3');
    const { task_id } = await tasker.submit({
      namespace: 'accounts',
      name: 'onboarding',
      context: { customer_id: 'c3' },
    });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('failed');
    const kycStep = done.workflow_steps.find((s) => s.name === 'kyc')!;
    expect(kycStep.current_state).toBe('failed');
    expect(kycStep.attempts).toBe(2);
    expect(kycStep.error?.code).toBe('subtask_failed');
    expect(kycStep.error?.message).toContain('step verify_identity: identity of c3 not verified');
    expect(done.subtasks.map((c) => c.current_state)).toEqual(['failed', 'failed']);
  });

  it("fails the parent step for good when the child's schema refuses its context", async () => {
    const { task_id } = await tasker.submit({ namespace: 'accounts', name: 'bad_context', context: {} });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(done.current_state).toBe('failed');
    const step = done.workflow_steps[0]!;
    expect(step.attempts).toBe(1);
    expect(step.error?.code).toBe('subtask_invalid');
    expect(step.error?.message).toContain("must have required property 'customer_id'");
    expect(done.subtasks).toEqual([]);
  });

  it('prunes a finished tree together, and never a child alone', async () => {
    const { task_id } = await tasker.submit({
      namespace: 'accounts',
      name: 'onboarding',
      context: { customer_id: 'c4' },
    });
    const done = await tasker.waitForTask(task_id, { timeoutMs: 30_000 });
    const child = done.subtasks[0]!.task_id;
    const grandchild = (await tasker.getTask(child))!.subtasks[0]!.task_id;
    const later = new Date(Date.now() + 60_000);
    // Only the child's own completion time would qualify the child alone: it must wait for its root.
    const before = await tasker.prune({ completedBefore: later, dryRun: true });
    expect(before.tasks).toBeGreaterThanOrEqual(1);
    await tasker.prune({ completedBefore: later, failedBefore: later, cancelledBefore: later });
    for (const id of [task_id, child, grandchild]) expect(await tasker.getTask(id)).toBeNull();
  });
});

describe('sub-workflow cycles', () => {
  it('refuses templates that run each other as subtasks', async () => {
    const a = defineTask({
      name: 'a',
      step_templates: [{ name: 'run_b', subtask: { namespace: 'default', name: 'b' } }],
    });
    const b = defineTask({
      name: 'b',
      step_templates: [{ name: 'run_a', subtask: { namespace: 'default', name: 'a' } }],
    });
    await expect(Tasker.open({ db: 'sqlite::memory:', templates: [a, b], logger: silentLogger() })).rejects.toThrow(
      'sub-workflow cycle: default/a -> default/b -> default/a',
    );
  });
});
