// The cron scheduler of a process that runs steps (docs/flow-control.md, "Cron schedules"). No leader: every such
// process runs one, and the store's tick table lets each tick create exactly one task. A pass reads the schedule rows
// (one statement, with the store's clock), syncs the declarations when the registered templates changed, and for each
// schedule this process declares creates the ticks that are due (schedule-ticks.ts): each through the submitter, in
// one store transaction with its tick row, as the root of a new trace. Then it sleeps until the next tick of any of
// its schedules (at most REFRESH_MS, so pauses and newer versions elsewhere are noticed), or until woken. A process
// with no schedule reads nothing. Nothing here runs per step: the hot path is untouched.
import type { ScheduleRecord, ScheduledTaskResult, Store } from '../core/store-contract.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import type { Logger } from '../telemetry/logger.js';
import { dueTicks } from './schedule-ticks.js';
import {
  declaredSchedules,
  scheduleId,
  syncSchedules,
  type Declarations,
  type ScheduleDeclaration,
} from './schedule-sync.js';

/** The longest sleep between passes while schedules are declared. */
export const REFRESH_MS = 60_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Whether a template (or its namespace) is paused now (`tasker pause`), read once per pass by `pausedTemplates`. A
 * schedule of a paused template creates no tick; when the pause ends, the ticks that fell during it count as missed
 * (its catch_up decides).
 */
export interface TemplatePauses {
  isPaused(namespace: string, template: string): boolean;
}

/** The template and namespace pauses in force (`Store.listPaused`), read once per pass. */
async function pausedTemplates(store: Store): Promise<TemplatePauses> {
  const paused = await store.listPaused();
  if (paused.length === 0) return { isPaused: () => false };
  const namespaces = new Set(paused.filter((p) => p.name === null).map((p) => p.namespace));
  const templates = new Set(paused.filter((p) => p.name !== null).map((p) => `${p.namespace}/${p.name}`));
  return { isPaused: (namespace, name) => namespaces.has(namespace) || templates.has(`${namespace}/${name}`) };
}

/** What this process knows of one schedule between passes. */
interface LocalState {
  version: string;
  /** The first pass that saw this declaration: ticks from then on are on time here. */
  watchingSince: number;
  /** On-time ticks up to here were handled. */
  doneThrough: number | null;
  /** The onTimeFrom whose missed ticks were handled. */
  catchUpFor: number | null;
  /** The last pass that found it paused (schedule or template) or disabled. */
  blockedAt: number | null;
}

/** Who triggered a task by hand, and why (a trigger is no tick). */
export interface TriggeredBy {
  actor: string;
  reason?: string | null;
}

/** Create the task of tick `tickAt` of `d` (or, `tickAt` null, of a trigger): schedule-control.ts. */
export type ScheduledSubmit = (
  d: ScheduleDeclaration,
  tickAt: number | null,
  trigger: TriggeredBy | null,
) => Promise<ScheduledTaskResult>;

/** A tick this pass created (for tests and logs). */
export interface CreatedTick {
  schedule: string;
  tick_at: number;
  task_id: number;
}

export interface SchedulerOptions {
  /** Only schedules of templates in these namespaces (the worker's `namespaces`); null: all. */
  namespaces: readonly string[] | null;
}

export class Scheduler {
  /** What this process declares, recomputed when the registry changes (`revision`), then synced once. */
  private declarations: Declarations | null = null;
  private revision = -1;
  private synced = false;
  private readonly local = new Map<string, LocalState>();
  private readonly superseded = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /** The pass in progress (one at a time: the loop's, or a `tick()` call's). */
  private pass_: Promise<unknown> | null = null;
  /** A wake-up came during a pass: run another at once. */
  private again = false;
  private running = false;
  private failures = 0;
  /** Until the next tick of any schedule declared here (store clock), at most REFRESH_MS; null: none declared. */
  private nextDelay: number | null = null;

  constructor(
    private readonly store: Store,
    private readonly registry: TemplateRegistry,
    private readonly submit: ScheduledSubmit,
    private readonly logger: Logger,
    private readonly options: SchedulerOptions,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    // Ticks that fell while this process was stopped were not watched here: they are missed ticks, not on time.
    this.local.clear();
    this.wake();
  }

  /** Stop ticking; resolves once a pass in progress has finished. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.pass_?.catch(() => undefined);
  }

  /** Run a pass soon (templates were registered, a schedule was resumed here). */
  wake(): void {
    if (!this.running) return;
    if (this.pass_) {
      this.again = true;
      return;
    }
    this.arm(0);
  }

  /**
   * One pass: create every tick that is due now (or at `now`, store clock, epoch ms: tests pass fixed instants).
   * Resolves with the ticks it created; rejects when the store fails (the loop retries with a growing pause).
   */
  async tick(now?: number): Promise<CreatedTick[]> {
    while (this.pass_) await this.pass_.catch(() => undefined);
    const pass = this.runPass(now);
    this.pass_ = pass;
    try {
      return (await pass).created;
    } finally {
      this.pass_ = null;
    }
  }

  private arm(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.loop(), Math.max(0, delayMs));
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    let delay: number | null;
    try {
      delay = await this.tick().then(() => this.nextDelay);
      this.failures = 0;
    } catch (err) {
      this.failures += 1;
      delay = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** (this.failures - 1));
      this.logger.warn({ err: (err as Error).message, retry_in_ms: delay }, 'schedule pass failed; retrying');
    }
    if (!this.running) return;
    if (this.again) {
      this.again = false;
      delay = 0;
    }
    if (delay !== null) this.arm(delay);
  }

  private declared(): Declarations {
    if (this.declarations === null || this.revision !== this.registry.revision) {
      this.revision = this.registry.revision;
      this.declarations = declaredSchedules(this.registry, this.options.namespaces);
      this.synced = false;
    }
    return this.declarations;
  }

  private async runPass(nowOverride: number | undefined): Promise<{ created: CreatedTick[] }> {
    const decl = this.declared();
    const created: CreatedTick[] = [];
    if (decl.schedules.length === 0 && decl.newest.size === 0) {
      this.nextDelay = null;
      return { created };
    }
    let { now, schedules: rows } = await this.store.schedules.listSchedules();
    if (!this.synced) {
      if (await syncSchedules(this.store, decl, rows))
        ({ now, schedules: rows } = await this.store.schedules.listSchedules());
      this.synced = true;
    }
    if (nowOverride !== undefined) now = nowOverride;
    const byId = new Map(rows.map((r) => [scheduleId(r), r]));
    const pauses = await pausedTemplates(this.store);
    let next: number | null = null;
    for (const d of decl.schedules) {
      const row = byId.get(d.id);
      if (!this.owns(d, row) || !d.schedule.enabled) continue;
      const upcoming = d.cron.next(now);
      if (upcoming !== null && (next === null || upcoming < next)) next = upcoming;
      await this.tickSchedule(d, row!, now, pauses, created);
    }
    this.nextDelay = decl.schedules.length === 0 ? null : Math.min(REFRESH_MS, next === null ? REFRESH_MS : next - now);
    return { created };
  }

  /** Whether the store's row says this process's declaration applies (a newer version elsewhere does not). */
  private owns(d: ScheduleDeclaration, row: ScheduleRecord | undefined): boolean {
    const ok = row !== undefined && row.version === d.version && row.declared;
    if (!ok && !this.superseded.has(d.id)) {
      this.superseded.add(d.id);
      const by =
        row === undefined ? 'no stored row' : `version ${row.version}${row.declared ? '' : ', which drops it'}`;
      this.logger.info({ schedule: d.id, version: d.version, stored: by }, 'schedule not ticked here: superseded');
    }
    if (ok) this.superseded.delete(d.id);
    return ok;
  }

  private async tickSchedule(
    d: ScheduleDeclaration,
    row: ScheduleRecord,
    now: number,
    pauses: TemplatePauses,
    created: CreatedTick[],
  ): Promise<void> {
    let st = this.local.get(d.id);
    if (st === undefined || st.version !== d.version) {
      st = { version: d.version, watchingSince: now, doneThrough: null, catchUpFor: null, blockedAt: null };
      this.local.set(d.id, st);
    }
    if (row.paused || pauses.isPaused(d.key.namespace, d.key.template)) {
      st.blockedAt = now;
      return;
    }
    const onTimeFrom = Math.max(
      st.watchingSince,
      row.created_at,
      row.resumed_at ?? -Infinity,
      st.blockedAt ?? -Infinity,
    );
    const due = dueTicks({
      cron: d.cron,
      catchUp: d.schedule.catch_up,
      lastTickAt: row.last_tick_at,
      createdAt: row.created_at,
      onTimeFrom,
      doneThrough: st.doneThrough,
      catchUpDone: st.catchUpFor === onTimeFrom,
      now,
    });
    for (const tickAt of [...due.missed, ...due.onTime]) {
      const outcome = await this.createTick(d, tickAt);
      if (outcome === null) continue;
      if (outcome.outcome === 'created') created.push({ schedule: d.id, tick_at: tickAt, task_id: outcome.task_id });
      else if (outcome.outcome !== 'exists') return; // paused or superseded meanwhile: the next pass sees it
    }
    st.catchUpFor = onTimeFrom;
    st.doneThrough = Math.max(st.doneThrough ?? -Infinity, now);
  }

  /**
   * Create one tick's task. A store that is unavailable fails the pass (retried, the tick with it); any other error
   * (a planning hook that throws, a template the task cannot be made from) would fail again: it is logged, and the
   * tick is left to other processes, or to none.
   */
  private async createTick(d: ScheduleDeclaration, tickAt: number): Promise<ScheduledTaskResult | null> {
    const tick = new Date(tickAt).toISOString();
    let outcome: ScheduledTaskResult;
    try {
      outcome = await this.submit(d, tickAt, null);
    } catch (err) {
      if (this.store.isTransient(err)) throw err;
      this.logger.error({ schedule: d.id, tick_at: tick, err: (err as Error).message }, 'tick failed; skipped here');
      return null;
    }
    if (outcome.outcome === 'created')
      this.logger.info({ schedule: d.id, tick_at: tick, task_id: outcome.task_id }, 'tick');
    return outcome;
  }
}
