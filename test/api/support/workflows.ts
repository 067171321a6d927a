// Templates and handlers for the API tests: a linear checkout (two versions, a context schema), a fan-out/fan-in
// whose branches can be told to fail, and a flaky step that succeeds on its third attempt. Handlers fail or hold
// on request (context flags) until the test heals or releases them, so tests never depend on timing.
import { defineTask } from '../../../src/definition/define-task.js';
import { PermanentError } from '../../../src/core/errors.js';

const fast = { base: 5, multiplier: 1, max: 5, jitter: 0 };

const checkoutSteps = [
  { name: 'reserve' },
  { name: 'charge', depends_on_step: 'reserve', default_retry_limit: 1, retry: fast },
  { name: 'ship', depends_on_step: 'charge' },
];

const orderSchema = {
  type: 'object',
  required: ['order_id'],
  properties: {
    order_id: { type: 'integer', minimum: 1 },
    hold: { type: 'boolean' },
    fail_steps: { type: 'array', items: { type: 'string' } },
  },
};

export const checkoutV1 = defineTask({
  name: 'checkout',
  namespace_name: 'api',
  version: '1.0.0',
  description: 'reserve, charge, ship',
  module_namespace: 'Checkout',
  schema: orderSchema,
  step_templates: checkoutSteps,
});

export const checkoutV2 = defineTask({
  name: 'checkout',
  namespace_name: 'api',
  version: '2.0.0',
  description: 'reserve, charge, ship, notify',
  module_namespace: 'Checkout',
  schema: orderSchema,
  step_templates: [...checkoutSteps, { name: 'notify', depends_on_step: 'ship' }],
});

export const fanout = defineTask({
  name: 'fanout',
  namespace_name: 'api',
  version: '1.0.0',
  module_namespace: 'Fanout',
  step_templates: [
    { name: 'start' },
    { name: 'left', depends_on_step: 'start', default_retry_limit: 1, retry: fast },
    { name: 'right', depends_on_step: 'start', default_retry_limit: 1, retry: fast },
    { name: 'join', depends_on_step: ['left', 'right'] },
  ],
});

export const flaky = defineTask({
  name: 'flaky',
  namespace_name: 'ops',
  version: '0.3.0',
  module_namespace: 'Flaky',
  step_templates: [
    { name: 'wobble', default_retry_limit: 3, retry: fast },
    { name: 'settle', depends_on_step: 'wobble' },
  ],
});

export const API_TEMPLATES = [checkoutV1, checkoutV2, fanout, flaky];

/** What tests steer: tasks whose failing steps now succeed, and tasks whose held step may finish. */
export class Controls {
  readonly healed = new Set<number>();
  private readonly releases = new Map<number, () => void>();

  release(taskId: number): void {
    this.healed.add(taskId);
    this.releases.get(taskId)?.();
  }

  hold(taskId: number, signal: AbortSignal): Promise<unknown> {
    if (this.healed.has(taskId)) return Promise.resolve({ held: false });
    return new Promise((resolve, reject) => {
      this.releases.set(taskId, () => resolve({ held: true }));
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    });
  }
}

type Ctx = any;

export function apiHandlers(controls: Controls) {
  const step = (name: string) => async (task: Ctx, _sequence: Ctx, s: Ctx) => {
    const failing: string[] = task.context.fail_steps ?? [];
    if (failing.includes(name) && !controls.healed.has(task.task_id)) {
      throw new PermanentError(`${name} refused (test asked for it)`, { errorCode: 'asked_to_fail' });
    }
    if (name === 'reserve' && task.context.hold) await controls.hold(task.task_id, s.signal);
    return { step: name, order_id: task.context.order_id ?? null };
  };
  return {
    'Checkout::ReserveHandler': step('reserve'),
    'Checkout::ChargeHandler': step('charge'),
    'Checkout::ShipHandler': step('ship'),
    'Checkout::NotifyHandler': step('notify'),
    'Fanout::StartHandler': step('start'),
    'Fanout::LeftHandler': step('left'),
    'Fanout::RightHandler': step('right'),
    'Fanout::JoinHandler': step('join'),
    'Flaky::WobbleHandler': async (_task: Ctx, _sequence: Ctx, s: Ctx) => {
      if (s.attempts < 3) throw new Error(`wobble attempt ${s.attempts} failed`);
      return { attempts: s.attempts };
    },
    'Flaky::SettleHandler': async () => ({ settled: true }),
  };
}
