// The class style of subscriber (the seed's `Tasker::EventSubscriber::Base`): declare `static subscribeTo` and
// implement `handle<PascalCase of the event name>` — `step.completed` → `handleStepCompleted(event)`.
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

export interface SubscriberBinding {
  events: readonly string[];
  listener: EventListener;
}

type SubscriberClass = (new () => object) & { subscribeTo?: readonly string[] };

/**
 * Accepts a subscriber in any supported form and returns what to register:
 * an EventSubscriber class or instance (events from `subscribeTo`), or a plain function with explicit events.
 */
export function bindSubscriber(subscriber: unknown, events?: readonly string[]): SubscriberBinding {
  if (typeof subscriber === 'function' && isClass(subscriber)) {
    return bindInstance(new (subscriber as SubscriberClass)(), (subscriber as SubscriberClass).subscribeTo, events);
  }
  if (typeof subscriber === 'function') {
    return { events: events ?? ['*'], listener: subscriber as EventListener };
  }
  if (typeof subscriber === 'object' && subscriber !== null) {
    const ctor = (subscriber as { constructor?: SubscriberClass }).constructor;
    return bindInstance(subscriber, ctor?.subscribeTo, events);
  }
  throw new TypeError(`a subscriber must be an EventSubscriber class, an instance, or a function; got ${typeof subscriber}`);
}

function bindInstance(instance: object, declared: readonly string[] | undefined, explicit?: readonly string[]): SubscriberBinding {
  const names = explicit ?? declared ?? [];
  if (names.length === 0) {
    throw new TypeError(`subscriber ${instance.constructor?.name ?? 'object'} declares no events (static subscribeTo = [...])`);
  }
  for (const name of names) {
    if (name === '*') continue;
    const method = handlerMethodName(name);
    if (typeof (instance as Record<string, unknown>)[method] !== 'function') {
      throw new TypeError(`subscriber ${instance.constructor?.name ?? 'object'} subscribes to '${name}' but has no ${method}(event) method`);
    }
  }
  const listener: EventListener = (event) => {
    const fn = (instance as Record<string, unknown>)[handlerMethodName(event.event)];
    if (typeof fn === 'function') return (fn as (e: AnyEventPayload) => unknown).call(instance, event);
    const generic = (instance as { handle?: (e: AnyEventPayload) => unknown }).handle;
    return typeof generic === 'function' ? generic.call(instance, event) : undefined;
  };
  return { events: names, listener };
}

function isClass(fn: unknown): boolean {
  return typeof fn === 'function' && /^class[\s{]/.test(Function.prototype.toString.call(fn));
}
