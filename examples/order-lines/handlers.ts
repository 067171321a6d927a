// Handlers of the map fan-out example (./tasks/order_with_line_items.yaml). load_order prices the order's lines (the
// list charge_line_item maps over); charge_line_item runs once per line with the line as `step.item` and its position
// as `step.index`; send_receipt reads every charge as one array in line order. Load them with
// `--handlers examples/order-lines/handlers.ts`; each waits a little simulated I/O (TASKER_EXAMPLE_IO_SCALE=0 makes
// them instant).
import { simulatedIo, stableNumber } from '../handlers/simulated-io.js';

interface Line {
  sku: string;
  qty: number;
  price: number;
}
interface Charge {
  sku: string;
  amount: number;
  charge_id: string;
}
type Task = { task_id: number; context: { order_id: string; line_items: Line[] } };
type Sequence = { findStepByName(name: string): { results: unknown } };
type Step = { signal: AbortSignal; index?: number; item?: unknown };

export const handlers = {
  'Shop::LoadOrderHandler': async (task: Task, _sequence: Sequence, step: Step) => {
    await simulatedIo(20, step.signal);
    const lines = task.context.line_items.map((l) => ({ ...l, amount: Math.round(l.qty * l.price * 100) / 100 }));
    return { order_id: task.context.order_id, line_items: lines };
  },
  'Shop::ChargeLineItemHandler': async (task: Task, _sequence: Sequence, step: Step): Promise<Charge> => {
    const line = step.item as Line & { amount: number };
    await simulatedIo(40, step.signal);
    const key = `${task.context.order_id}:${step.index}`;
    return { sku: line.sku, amount: line.amount, charge_id: `ch_${stableNumber(key, 1_000_000)}` };
  },
  'Shop::SendReceiptHandler': async (task: Task, sequence: Sequence, step: Step) => {
    const charges = sequence.findStepByName('charge_line_item').results as Charge[];
    await simulatedIo(20, step.signal);
    const total = Math.round(charges.reduce((sum, c) => sum + c.amount, 0) * 100) / 100;
    return { order_id: task.context.order_id, lines: charges.map((c) => `${c.sku}: ${c.amount}`), total };
  },
};
