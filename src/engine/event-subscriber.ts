// The class style of subscriber (the seed's `Tasker::EventSubscriber::Base`): declare `static subscribeTo` and
// implement `handle<PascalCase of the event name>` — `step.completed` → `handleStepCompleted(event)`. The seed's
// snake_case spelling (`static subscribe_to`, `handle_step_completed`) works too.
import type { AnyEventPayload } from './events.js';

export abstract class EventSubscriber {
  /** Event names this subscriber receives; `*` means every event. */
  static subscribeTo: readonly string[] = [];
}

export type EventListener = (event: AnyEventPayload) => unknown;

/** `step.retry_attempted` → `handleStepRetryAttempted`. */
export function handlerMethodName(eventName: string): string {
  const pascal = eventName
    .split(/[._-]/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
  return `handle${pascal}`;
}

/** The seed's (Ruby) spelling: `step.retry_attempted` → `handle_step_retry_attempted`. */
export function seedHandlerMethodName(eventName: string): string {
  return `handle_${eventName.split(/[.-]/).filter(Boolean).join('_')}`;
}

type Method = (event: AnyEventPayload) => unknown;

/** The instance's method for an event, under either spelling; both spellings at once are refused. */
function methodFor(instance: object, eventName: string): Method | undefined {
  const camel = handlerMethodName(eventName);
  const snake = seedHandlerMethodName(eventName);
  const fns = instance as Record<string, unknown>;
  const a = typeof fns[camel] === 'function' ? (fns[camel] as Method) : undefined;
  const b = typeof fns[snake] === 'function' ? (fns[snake] as Method) : undefined;
  if (a !== undefined && b !== undefined && a !== b) {
    throw new TypeError(
      `subscriber ${instance.constructor?.name ?? 'object'} defines both ${camel} and ${snake}; keep one`,
    );
  }
  return a ?? b;
}

export interface SubscriberBinding {
  events: readonly string[];
  listener: EventListener;
}

type SubscriberClass = (new () => object) & { subscribeTo?: readonly string[]; subscribe_to?: readonly string[] };

/** The events a subscriber class declares: `static subscribeTo`, or the seed's `subscribe_to`. */
const declaredEvents = (cls: SubscriberClass | undefined): readonly string[] | undefined =>
  cls?.subscribeTo ?? cls?.subscribe_to;

/**
 * Accepts a subscriber in any supported form and returns what to register:
 * an EventSubscriber class or instance (events from `subscribeTo`), or a plain function with explicit events.
 */
export function bindSubscriber(subscriber: unknown, events?: readonly string[]): SubscriberBinding {
  if (typeof subscriber === 'function' && isClass(subscriber)) {
    return bindInstance(new (subscriber as SubscriberClass)(), declaredEvents(subscriber as SubscriberClass), events);
  }
  if (typeof subscriber === 'function') {
    return { events: events ?? ['*'], listener: subscriber as EventListener };
  }
  if (typeof subscriber === 'object' && subscriber !== null) {
    const ctor = (subscriber as { constructor?: SubscriberClass }).constructor;
    return bindInstance(subscriber, declaredEvents(ctor), events);
  }
  throw new TypeError(
    `a subscriber must be an EventSubscriber class, an instance, or a function; got ${typeof subscriber}`,
  );
}

function bindInstance(
  instance: object,
  declared: readonly string[] | undefined,
  explicit?: readonly string[],
): SubscriberBinding {
  const names = explicit ?? declared ?? [];
  if (names.length === 0) {
    throw new TypeError(
      `subscriber ${instance.constructor?.name ?? 'object'} declares no events (static subscribeTo = [...])`,
    );
  }
  for (const name of names) {
    if (name === '*') continue;
    if (methodFor(instance, name) === undefined) {
      const method = handlerMethodName(name);
      throw new TypeError(
        `subscriber ${instance.constructor?.name ?? 'object'} subscribes to '${name}' but has no ${method}(event) method (or ${seedHandlerMethodName(name)})`,
      );
    }
  }
  const methods = new Map<string, Method | undefined>(); // per event name: looked up once, not per event
  const listener: EventListener = (event) => {
    let fn = methods.get(event.event);
    if (fn === undefined && !methods.has(event.event))
      methods.set(event.event, (fn = methodFor(instance, event.event)));
    if (fn !== undefined) return fn.call(instance, event);
    const generic = (instance as { handle?: (e: AnyEventPayload) => unknown }).handle;
    return typeof generic === 'function' ? generic.call(instance, event) : undefined;
  };
  return { events: names, listener };
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}
