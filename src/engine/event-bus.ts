// In-process publish/subscribe for lifecycle and custom events. A subscriber that throws (or rejects) is logged
// and never breaks a task. Publishers check `has()` first so no payload is built when nobody listens.
import type { Logger } from '../telemetry/logger.js';
import { taskLogFields } from '../telemetry/log-fields.js';
import type { AnyEventPayload } from './events.js';
import { bindSubscriber, type EventListener } from './event-subscriber.js';

export class EventBus {
  private readonly byName = new Map<string, Set<EventListener>>();
  private readonly wildcard = new Set<EventListener>();

  constructor(private readonly logger: Logger) {}

  /** Subscribe a class, instance or function; returns an unsubscribe function. */
  subscribe(subscriber: unknown, events?: readonly string[]): () => void {
    const binding = bindSubscriber(subscriber, events);
    for (const name of binding.events) {
      if (name === '*') this.wildcard.add(binding.listener);
      else {
        let set = this.byName.get(name);
        if (!set) this.byName.set(name, (set = new Set()));
        set.add(binding.listener);
      }
    }
    return () => {
      this.wildcard.delete(binding.listener);
      for (const set of this.byName.values()) set.delete(binding.listener);
    };
  }

  /** Whether anyone listens to this event (so a publisher can skip building the payload). */
  has(name: string): boolean {
    return this.wildcard.size > 0 || (this.byName.get(name)?.size ?? 0) > 0;
  }

  publish(event: AnyEventPayload): void {
    const named = this.byName.get(event.event);
    if (named) for (const l of named) this.deliver(l, event);
    for (const l of this.wildcard) this.deliver(l, event);
  }

  private deliver(listener: EventListener, event: AnyEventPayload): void {
    try {
      const out = listener(event);
      if (out && typeof (out as Promise<unknown>).then === 'function') {
        (out as Promise<unknown>).then(undefined, (err: unknown) => this.report(err, event));
      }
    } catch (err) {
      this.report(err, event);
    }
  }

  private report(err: unknown, event: AnyEventPayload): void {
    this.logger.error({ ...eventLogFields(event), err, event: event.event }, 'event subscriber failed');
  }
}

/** The task (and step, for a step's event) an event is about, as log fields. */
function eventLogFields(e: AnyEventPayload): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...taskLogFields({ ...e, name: e.task_name }) };
  const step = e as { step_id?: unknown; step_name?: unknown; attempt_number?: unknown };
  if (typeof step.step_id === 'number') fields.workflow_step_id = step.step_id;
  if (typeof step.step_name === 'string') fields.step = step.step_name;
  if (typeof step.attempt_number === 'number') fields.attempt = step.attempt_number;
  return fields;
}
