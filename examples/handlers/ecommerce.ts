// Handlers of the ecommerce templates: order_verification (diamond), conditional_order_processing (branching by
// hook or by runtime routing), simple_order_processing and complex_order_processing (the seed's best practices).
import {
  ConfiguredTask,
  PermanentError,
  RetryableError,
  StepHandler,
  routeTo,
  type FinishedStep,
  type PlannedStep,
  type SequenceView,
  type StepView,
  type TaskView,
} from 'tasker';
import { simulatedIo, stableNumber } from './simulated-io.js';

interface Item {
  sku: string;
  quantity: number;
  price: number;
}

function orderItems(context: Record<string, unknown>): Item[] {
  const items = (context.items as Item[] | undefined) ?? [
    { sku: 'SKU-RED-MUG', quantity: 2, price: 12.5 },
    { sku: 'SKU-TEA-1KG', quantity: 1, price: 24 },
  ];
  items.forEach((item, i) => {
    if (typeof item?.sku !== 'string' || !(Number(item.quantity) > 0) || !(Number(item.price) >= 0)) {
      throw new PermanentError(`items[${i}] needs a sku, a quantity > 0 and a price >= 0`, {
        errorCode: 'invalid_item',
      });
    }
  });
  return items;
}

export class ValidateOrderDataHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const items = orderItems(task.context);
    await simulatedIo(20, step.signal);
    const total = items.reduce((sum, i) => sum + i.quantity * i.price, 0);
    return { order_id: task.context.order_id ?? 1001, item_count: items.length, total: Math.round(total * 100) / 100 };
  }
}

export class CheckPaymentMethodHandler extends StepHandler {
  async process(task: TaskView, sequence: SequenceView, step: StepView) {
    const order = sequence.findStepByName('validate_order_data')?.results;
    const method = String(task.context.payment_method ?? 'card');
    await simulatedIo(50, step.signal);
    // `gateway_down_until` (ISO time) simulates an outage: retried with a short delay, then failed until it is over.
    const downUntil = Date.parse(String(task.context.gateway_down_until ?? ''));
    if (Number.isFinite(downUntil) && Date.now() < downUntil) {
      throw new RetryableError('the payment gateway is unavailable', {
        retryAfter: 0.2,
        errorCode: 'gateway_unavailable',
      });
    }
    if (method === 'declined_card') throw new PermanentError('the card was declined', { errorCode: 'card_declined' });
    return {
      method,
      authorized: true,
      amount: order.total,
      authorization_id: `auth_${stableNumber(`${order.order_id}`, 99_999)}`,
    };
  }
}

export class VerifyShippingAddressHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const country = String(task.context.country ?? 'DE');
    await simulatedIo(40, step.signal);
    const served = ['DE', 'FR', 'NL', 'US', 'GB', 'JP'];
    if (!served.includes(country))
      throw new PermanentError(`we do not ship to ${country}`, { errorCode: 'undeliverable' });
    return { country, deliverable: true, carrier: country === 'US' ? 'UPS' : 'DHL' };
  }
}

export class CheckInventoryAvailabilityHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const items = orderItems(task.context);
    await simulatedIo(45, step.signal);
    return {
      reserved: items.map((i) => ({ sku: i.sku, quantity: i.quantity, warehouse: `WH-${1 + stableNumber(i.sku, 3)}` })),
    };
  }
}

const VERIFICATIONS = ['check_payment_method', 'verify_shipping_address', 'check_inventory_availability'] as const;

export class FinalizeOrderHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    // An operator may skip a verification (`tasker tasks skip <id> verify_shipping_address`): a skipped step has
    // no results, so each one is read as possibly missing and the skips are reported.
    const [payment, shipping, inventory] = VERIFICATIONS.map((name) => sequence.findStepByName(name).results ?? null);
    const skipped = VERIFICATIONS.filter((name) => sequence.findStepByName(name).current_state === 'skipped');
    await simulatedIo(15, step.signal);
    return {
      status: skipped.length ? 'verified_with_skips' : 'verified',
      skipped,
      authorization_id: payment?.authorization_id ?? null,
      carrier: shipping?.carrier ?? null,
      reserved_lines: inventory?.reserved?.length ?? 0,
    };
  }
}

export class OrderVerificationHandler extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    if (task.context.priority === 'urgent') {
      for (const s of steps.filter((s) => s.name.startsWith('check_') || s.name.startsWith('verify_')))
        s.update({ retry_limit: 1 });
    }
  }

  override async updateAnnotations(task: TaskView, _sequence: SequenceView, steps: FinishedStep[]) {
    const verifications = steps
      .filter((s) => s.name !== 'validate_order_data' && s.name !== 'finalize_order')
      .map((s) => ({ [s.name]: s.current_state }));
    await task.annotations.create({ annotation_type: 'verification_summary', content: { verifications } });
  }
}

// --- conditional_order_processing ------------------------------------------------------------------------------

const PATHS = ['standard_processing', 'manual_review', 'fraud_investigation'] as const;

export class AnalyzeOrderHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    await simulatedIo(30, step.signal);
    const total = Number(task.context.order_total ?? 250);
    const risk = Number(task.context.risk_score ?? (stableNumber(String(task.context.order_id ?? 1), 100) / 100) * 0.5);
    const path = total > 10_000 ? 'manual_review' : risk > 0.8 ? 'fraud_investigation' : 'standard_processing';
    const results = {
      order_value: total,
      risk_score: risk,
      processing_path: path,
      requires_review: path !== 'standard_processing',
    };
    // When the task handler already chose the path from the context (the seed's way), just report the analysis;
    // otherwise route at run time: the other paths are skipped.
    return task.context.analysis_result ? results : routeTo(path, results);
  }
}

function processingStep(outcome: string, ms: number) {
  return class extends StepHandler {
    async process(task: TaskView, _sequence: SequenceView, step: StepView) {
      await simulatedIo(ms, step.signal);
      return { outcome, order_id: task.context.order_id ?? null };
    }
  };
}

export const StandardProcessingHandler = processingStep('fulfilment_queued', 25);
export const ManualReviewHandler = processingStep('review_ticket_opened', 35);
export const FraudInvestigationHandler = processingStep('case_opened', 40);

export class ConditionalOrderHandler extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    const chosen = task.context.analysis_result?.processing_path as string | undefined;
    if (chosen === undefined) return; // no decision yet: analyze_order routes at run time
    const keep = (PATHS as readonly string[]).includes(chosen) ? chosen : 'standard_processing';
    for (const s of steps)
      if ((PATHS as readonly string[]).includes(s.name) && s.name !== keep) s.update({ enabled: false });
  }
}

// --- simple_order_processing / complex_order_processing ---------------------------------------------------------

export class ProcessPaymentHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const amount = Number(task.context.amount ?? 49.9);
    if (!(amount > 0))
      throw new PermanentError(`amount must be positive, got ${task.context.amount}`, { errorCode: 'invalid_amount' });
    await simulatedIo(40, step.signal);
    return { charged: amount, payment_id: `pay_${stableNumber(String(task.context.order_id ?? 123), 1_000_000)}` };
  }
}

export class SendConfirmationHandler extends StepHandler {
  async process(task: TaskView, sequence: SequenceView, step: StepView) {
    const payment = sequence.findStepByName('process_payment')?.results;
    await simulatedIo(20, step.signal);
    return { sent: true, payment_id: payment.payment_id, to: task.context.email ?? 'customer@example.com' };
  }
}

export class ValidateOrderHandler extends ValidateOrderDataHandler {}

export class CheckPaymentHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    await simulatedIo(35, step.signal);
    return { method: task.context.payment_method ?? 'card', authorized: true };
  }
}

export class CheckInventoryHandler extends CheckInventoryAvailabilityHandler {}

export class SimpleOrderHandler extends ConfiguredTask {}

export class ComplexOrderHandler extends ConfiguredTask {
  override establishStepDependenciesAndDefaults(task: TaskView, steps: PlannedStep[]) {
    const disable = task.context.requires_review ? 'standard_processing' : 'manual_review';
    steps.find((s) => s.name === disable)?.update({ enabled: false });
  }
}
