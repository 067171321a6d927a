// Handlers of the flow-control examples (./tasks): a delayed reminder, a high- and a low-priority job, a payment to
// pause during an incident, a per-customer sync, a partner export with limited concurrency and a rate-limited charge.
// Load them with `--handlers examples/flow-control/handlers.ts`; each step waits a little simulated I/O
// (TASKER_EXAMPLE_IO_SCALE=0 makes them instant) and returns what it did.
import { RateLimitedError } from 'tasker';
import { simulatedIo } from '../handlers/simulated-io.js';

type Task = { task_id: number; context: Record<string, unknown> };
type Step = { name: string; signal: AbortSignal };

/** A step that waits `ms` of simulated I/O and reports which task and step it was. */
const io =
  (ms: number) =>
  async (task: Task, _sequence: unknown, step: Step): Promise<Record<string, unknown>> => {
    await simulatedIo(ms, step.signal);
    return { step: step.name, task_id: task.task_id, at: new Date().toISOString() };
  };

/** Tasks whose charge was already refused once by the simulated gateway. */
const rateLimitedOnce = new Set<number>();

export const handlers = {
  'FlowControl::ComposeReminderHandler': io(20),
  'FlowControl::DeliverReminderHandler': async (task: Task, sequence: unknown, step: Step) => ({
    ...(await io(50)(task, sequence, step)),
    delivered_to: task.context.email,
  }),
  'FlowControl::ReserveStockHandler': io(20),
  'FlowControl::ShipExpressHandler': io(20),
  'FlowControl::GatherFiguresHandler': io(100),
  'FlowControl::RenderReportHandler': io(100),
  'FlowControl::AuthorizePaymentHandler': io(50),
  'FlowControl::PullChangesHandler': io(50),
  'FlowControl::ApplyChangesHandler': async (task: Task, sequence: unknown, step: Step) => ({
    ...(await io(50)(task, sequence, step)),
    customer_id: task.context.customer_id,
  }),
  'FlowControl::BuildBatchHandler': io(20),
  'FlowControl::PushToPartnerHandler': io(100),
  // A gateway that answers 429 to the first call of each merchant's task: the step waits 1 s without spending an
  // attempt (RateLimitedError), then charges.
  'FlowControl::ChargeHandler': async (task: Task, sequence: unknown, step: Step) => {
    if (!rateLimitedOnce.has(task.task_id)) {
      rateLimitedOnce.add(task.task_id);
      throw new RateLimitedError({ retryAfter: '1s' }); // as if the gateway answered 429
    }
    return { ...(await io(50)(task, sequence, step)), charged: task.context.amount };
  },
  'FlowControl::RecordChargeHandler': io(20),
  'FlowControl::CaptureFundsHandler': async (task: Task, sequence: unknown, step: Step) => ({
    ...(await io(50)(task, sequence, step)),
    captured: task.context.order_id,
  }),
};
