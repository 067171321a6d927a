// Handlers of the approval example (./tasks/expense_approval.yaml). manager_approval and cooling_off are durable waits
// and have no handler; request_approval says where to send the signal, pay_out reads the approval's payload (the
// results of manager_approval) and pays only when it says approved, notify_requester reports the outcome. Load them
// with `--handlers examples/approval/handlers.ts`; each waits a little simulated I/O (TASKER_EXAMPLE_IO_SCALE=0 makes
// them instant).
import { simulatedIo, stableNumber } from '../handlers/simulated-io.js';

type Task = { task_id: number; context: Record<string, unknown> };
type Sequence = { findStepByName(name: string): { results: unknown } | undefined };
type Step = { signal: AbortSignal };

/** What an approver sends as the signal payload (anything else counts as not approved). */
interface Approval {
  approved?: unknown;
  by?: unknown;
  note?: unknown;
}

export const handlers = {
  'Approvals::RequestApprovalHandler': async (task: Task, _sequence: Sequence, step: Step) => {
    await simulatedIo(30, step.signal);
    return {
      asked: task.context.requester ?? 'the manager',
      // what the e-mail's buttons call (the API scope signals:send is enough)
      signal: `POST /tasker/tasks/${task.task_id}/signals/approval`,
    };
  },
  'Approvals::PayOutHandler': async (task: Task, sequence: Sequence, step: Step) => {
    const approval = (sequence.findStepByName('manager_approval')?.results ?? {}) as Approval;
    if (approval.approved !== true) {
      return { paid: false, rejected_by: approval.by ?? null, note: approval.note ?? null };
    }
    await simulatedIo(50, step.signal);
    const id = String(task.context.expense_id);
    return {
      paid: true,
      amount: task.context.amount,
      approved_by: approval.by ?? null,
      payment_id: `pay_${stableNumber(id, 1_000_000)}`,
    };
  },
  'Approvals::NotifyRequesterHandler': async (task: Task, sequence: Sequence, step: Step) => {
    await simulatedIo(20, step.signal);
    const payout = (sequence.findStepByName('pay_out')?.results ?? {}) as { paid?: boolean };
    return {
      notified: task.context.requester ?? null,
      message: payout.paid ? `expense ${String(task.context.expense_id)} paid` : 'expense rejected',
    };
  },
};
