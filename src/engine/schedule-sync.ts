// The schedules this process declares — those of the newest registered version of each template (within the
// namespaces it runs) — and their sync to the store's schedule rows: a row is written when missing, when this process
// knows a newer version of its template (compare and set on the stored version, so the newest version's definition
// wins whatever the order processes start in), and marked no longer declared when the newest version dropped it. A
// process whose version is older than the row's ticks nothing for that schedule: the store refuses its ticks.
import semver from 'semver';
import type { ScheduleDefinition, ScheduleKey, ScheduleRecord, Store } from '../core/store-contract.js';
import { compileCron, type CronSchedule } from '../definition/cron.js';
import type { ScheduleTemplate } from '../definition/model.js';
import type { TemplateRegistry } from '../definition/template-registry.js';

/** One schedule as this process declares it. */
export interface ScheduleDeclaration {
  key: ScheduleKey;
  /** `namespace/template/schedule`. */
  id: string;
  /** The version of the template that declares it (the newest registered here). */
  version: string;
  schedule: ScheduleTemplate;
  cron: CronSchedule;
}

export interface Declarations {
  schedules: ScheduleDeclaration[];
  /** The newest registered version of every template (with or without schedules), by `namespace/name`. */
  newest: Map<string, string>;
}

export const scheduleId = (k: ScheduleKey): string => `${k.namespace}/${k.template}/${k.schedule}`;

/** The schedules of the newest version of each template in `registry` (only `namespaces`, when given). */
export function declaredSchedules(registry: TemplateRegistry, namespaces: readonly string[] | null): Declarations {
  const newest = new Map<string, string>();
  const schedules: ScheduleDeclaration[] = [];
  const seen = new Set<string>();
  for (const { template } of registry.list()) {
    const name = `${template.namespace_name}/${template.name}`;
    if (seen.has(name) || (namespaces !== null && !namespaces.includes(template.namespace_name))) continue;
    seen.add(name);
    const latest = registry.get(template.namespace_name, template.name)!;
    newest.set(name, latest.version);
    for (const schedule of latest.schedules ?? []) {
      const key = { namespace: latest.namespace_name, template: latest.name, schedule: schedule.name };
      const cron = compileCron(schedule.cron, schedule.timezone);
      schedules.push({ key, id: scheduleId(key), version: latest.version, schedule, cron });
    }
  }
  return { schedules, newest };
}

export function definitionOf(d: ScheduleDeclaration): ScheduleDefinition {
  const s = d.schedule;
  return {
    ...d.key,
    version: d.version,
    declared: true,
    cron: s.cron,
    timezone: s.timezone,
    catch_up: s.catch_up,
    enabled: s.enabled,
    context: s.context,
  };
}

function sameDefinition(a: ScheduleDefinition, row: ScheduleRecord): boolean {
  return (
    a.declared === row.declared &&
    a.cron === row.cron &&
    a.timezone === row.timezone &&
    a.catch_up === row.catch_up &&
    a.enabled === row.enabled &&
    JSON.stringify(a.context) === JSON.stringify(row.context)
  );
}

/** Bring the store's rows in line with what this process declares; true when something was written. */
export async function syncSchedules(store: Store, decl: Declarations, rows: ScheduleRecord[]): Promise<boolean> {
  const byId = new Map(rows.map((r) => [scheduleId(r), r]));
  let wrote = false;
  for (const d of decl.schedules) {
    const def = definitionOf(d);
    const row = byId.get(d.id);
    if (row === undefined) wrote = (await store.schedules.saveSchedule(def, null)) || wrote;
    else if (semver.gt(d.version, row.version) || (d.version === row.version && !sameDefinition(def, row))) {
      wrote = (await store.schedules.saveSchedule(def, row.version)) || wrote;
    }
  }
  const declared = new Set(decl.schedules.map((d) => d.id));
  for (const row of rows) {
    const version = decl.newest.get(`${row.namespace}/${row.template}`);
    if (version === undefined || declared.has(scheduleId(row)) || !row.declared) continue;
    if (!semver.gt(version, row.version)) continue;
    wrote = (await store.schedules.saveSchedule({ ...row, version, declared: false }, row.version)) || wrote;
  }
  return wrote;
}
