// Cron schedules for the Tasker facade (`tasker.schedules`): list them with their state, pause and resume them,
// trigger one (a task now, outside the ticks: it uses no tick), and run one scheduler pass at a given instant. Also
// how a tick or trigger becomes a task: a request built from the declaration, created through the submitter in one
// store transaction with its tick (store.schedules.createScheduledTask).
import { NotFoundError, OperatorActionError } from '../core/errors.js';
import type { ScheduleKey, ScheduledTaskResult, Store } from '../core/store-contract.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import { scheduleJson, type ScheduleJson } from './schedule-json.js';
import { declaredSchedules, scheduleId, syncSchedules, type ScheduleDeclaration } from './schedule-sync.js';
import type { CreatedTick, ScheduledSubmit, Scheduler, TriggeredBy } from './scheduler.js';
import type { TaskSubmitter } from './task-submitter.js';

/** A schedule named the way the API and CLI name it: the template's namespace and name, and the schedule's name. */
export interface ScheduleRef {
  namespace: string;
  /** The template's name. */
  name: string;
  schedule: string;
}

export interface TriggerResult {
  task_id: number;
  /** When it was triggered (store clock, ISO 8601): the task's scheduled_for. */
  scheduled_for: string;
}

export function scheduledSubmit(store: Store, submitter: TaskSubmitter): ScheduledSubmit {
  return async (d, tickAt, trigger) => {
    const name = d.key.schedule;
    let result: ScheduledTaskResult = { outcome: 'unknown' };
    const request = {
      namespace: d.key.namespace,
      name: d.key.template,
      version: d.version,
      context: structuredClone(d.schedule.context),
      initiator: trigger?.actor ?? `schedule:${name}`,
      source_system: 'tasker schedule',
      reason: trigger ? (trigger.reason ?? `schedule ${name} triggered by hand`) : `schedule ${name}`,
      tags: [`schedule:${name}`],
    };
    // A tick is the root of its own trace; a trigger belongs to the request that asked for it.
    await submitter.submitThrough(
      request,
      async (task) => {
        result = await store.schedules.createScheduledTask({ key: d.key, version: d.version, tick_at: tickAt, task });
        return result.outcome === 'created'
          ? { task_id: result.task_id, created: true, finalized: result.finalized }
          : null;
      },
      tickAt !== null,
    );
    return result;
  };
}

const keyOf = (ref: ScheduleRef): ScheduleKey => ({
  namespace: ref.namespace,
  template: ref.name,
  schedule: ref.schedule,
});

export class ScheduleControl {
  constructor(
    private readonly store: Store,
    private readonly registry: TemplateRegistry,
    private readonly submit: ScheduledSubmit,
    private readonly scheduler: Scheduler,
  ) {}

  /** Every schedule the store knows (recorded once a process that runs steps, or a pause or trigger, saw it). */
  async list(): Promise<ScheduleJson[]> {
    const { now, schedules } = await this.store.schedules.listSchedules();
    return schedules.map((r) => scheduleJson(r, now));
  }

  /** Pause a schedule: no tick is created until it is resumed (trigger still works). */
  pause(ref: ScheduleRef, options: { actor: string }): Promise<ScheduleJson> {
    return this.setPaused(ref, true, options.actor);
  }

  /** Resume a schedule; the ticks that fell while it was paused are missed ticks (its catch_up decides). */
  async resume(ref: ScheduleRef, options: { actor: string }): Promise<ScheduleJson> {
    const out = await this.setPaused(ref, false, options.actor);
    this.scheduler.wake();
    return out;
  }

  /**
   * Create a task of the schedule now, with its context, outside its ticks (it records no tick, so no real tick is
   * taken from it; paused or not). Needs the schedule's template in this process.
   */
  async trigger(ref: ScheduleRef, options: TriggeredBy): Promise<TriggerResult> {
    const d = this.declaration(ref);
    if (d === undefined) {
      throw new NotFoundError(
        `no template registered in this process declares schedule ${scheduleId(keyOf(ref))}; a trigger needs the ` +
          'template (give --templates)',
        { schedule: scheduleId(keyOf(ref)) },
      );
    }
    await this.ensureRow(keyOf(ref));
    const res = await this.submit(d, null, options);
    if (res.outcome === 'created')
      return { task_id: res.task_id, scheduled_for: new Date(res.scheduled_for).toISOString() };
    if (res.outcome === 'superseded') {
      throw new OperatorActionError(
        `schedule ${d.id} belongs to another version of its template than ${d.version}, the newest registered here`,
        { schedule: d.id, version: d.version },
      );
    }
    throw await this.unknownListed(keyOf(ref));
  }

  /** One scheduler pass now, or at `now` (epoch ms, store clock): the ticks it created. For tests and tools. */
  tick(now?: number): Promise<CreatedTick[]> {
    return this.scheduler.tick(now);
  }

  private async setPaused(ref: ScheduleRef, paused: boolean, actor: string): Promise<ScheduleJson> {
    const key = keyOf(ref);
    await this.ensureRow(key);
    const row = await this.store.schedules.setSchedulePaused(key, paused, actor);
    if (row === null) throw await this.unknownListed(key);
    return scheduleJson(row, (await this.store.schedules.listSchedules()).now);
  }

  private declaration(ref: ScheduleRef): ScheduleDeclaration | undefined {
    const id = scheduleId(keyOf(ref));
    return declaredSchedules(this.registry, null).schedules.find((d) => d.id === id);
  }

  /** A schedule declared here but not yet stored (no process that runs steps saw it) gets its row first. */
  private async ensureRow(key: ScheduleKey): Promise<void> {
    const id = scheduleId(key);
    const { schedules: rows } = await this.store.schedules.listSchedules();
    if (rows.some((r) => scheduleId(r) === id)) return;
    const decl = declaredSchedules(this.registry, null);
    if (decl.schedules.some((d) => d.id === id)) await syncSchedules(this.store, decl, rows);
  }

  private unknown(key: ScheduleKey, known: string[] = []): NotFoundError {
    const hint = known.length > 0 ? `known schedules: ${known.join(', ')}` : 'no schedule is known yet';
    return new NotFoundError(`no schedule ${scheduleId(key)}; ${hint}`, { schedule: scheduleId(key), known });
  }

  private async unknownListed(key: ScheduleKey): Promise<NotFoundError> {
    const { schedules } = await this.store.schedules.listSchedules();
    return this.unknown(
      key,
      schedules.map((r) => scheduleId(r)),
    );
  }
}
