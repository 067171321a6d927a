// Handlers of reports/sales_rollup (examples/flow-control/sales_rollup.yaml, a cron-scheduled template): collect the
// sales of the window that ended at the task's tick (`task.scheduled_for`; now when submitted by hand), aggregate
// them, publish the report.
import { StepHandler, type SequenceView, type StepView, type TaskView } from 'tasker';
import { simulatedIo, stableNumber } from './simulated-io.js';

const WINDOWS: Record<string, number> = { '1h': 3_600_000, '1d': 86_400_000 };

export class CollectSalesHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const until = task.scheduled_for ?? Date.now();
    const from = until - (WINDOWS[String(task.context.window)] ?? WINDOWS['1h']!);
    await simulatedIo(30, step.signal);
    const seed = `${task.context.window}:${until}`;
    return {
      from: new Date(from).toISOString(),
      until: new Date(until).toISOString(),
      orders: stableNumber(seed, 500),
      revenue_cents: stableNumber(`${seed}:revenue`, 10_000_000),
    };
  }
}

export class AggregateHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    const sales = sequence.findStepByName('collect_sales').results;
    await simulatedIo(20, step.signal);
    const average = sales.orders === 0 ? 0 : Math.round(sales.revenue_cents / sales.orders);
    return { ...sales, average_order_cents: average };
  }
}

export class PublishReportHandler extends StepHandler {
  async process(task: TaskView, sequence: SequenceView, step: StepView) {
    const report = sequence.findStepByName('aggregate').results;
    await simulatedIo(20, step.signal);
    return { report_id: `rollup_${task.context.window}_${report.until}`, published: true };
  }
}
