// What both stores share about cron schedules: a schedule row as a ScheduleRecord, the checks of the requests they
// take (so a caller bug names the bad field), and the outcome of a tick from the locked schedule row.
import { InvalidRequestError } from '../../core/errors.js';
import type {
  ScheduleCatchUp,
  ScheduleDefinition,
  ScheduleKey,
  ScheduleRecord,
  ScheduledTaskRequest,
  ScheduledTaskResult,
} from '../../core/store-contract.js';
import type { JsonDecoder } from './row-mappers.js';
import { num, numOrNull } from './row-mappers.js';

type Row = Record<string, unknown>;

const CATCH_UP: ReadonlySet<string> = new Set<ScheduleCatchUp>(['none', 'latest', 'all']);

const bool = (value: unknown): boolean => value === true || value === 1;

export function mapScheduleRow(row: Row, decode: JsonDecoder): ScheduleRecord {
  return {
    schedule_id: num(row.schedule_id),
    namespace: String(row.namespace),
    template: String(row.template_name),
    schedule: String(row.schedule_name),
    version: String(row.version),
    declared: bool(row.declared),
    cron: String(row.cron),
    timezone: String(row.timezone),
    catch_up: row.catch_up as ScheduleCatchUp,
    enabled: bool(row.enabled),
    context: decode(row.context),
    paused: bool(row.paused),
    paused_at: numOrNull(row.paused_at),
    paused_by: row.paused_by === null || row.paused_by === undefined ? null : String(row.paused_by),
    resumed_at: numOrNull(row.resumed_at),
    last_tick_at: numOrNull(row.last_tick_at),
    last_task_id: numOrNull(row.last_task_id),
    created_at: num(row.created_at),
    updated_at: num(row.updated_at),
  };
}

export function assertScheduleKey(key: ScheduleKey, where: string): void {
  for (const field of ['namespace', 'template', 'schedule'] as const) {
    if (typeof key?.[field] !== 'string' || key[field] === '') {
      throw new InvalidRequestError(`${where}: ${field} must be a non-empty string`);
    }
  }
}

export function assertScheduleDefinition(def: ScheduleDefinition, expectedVersion: string | null): void {
  assertScheduleKey(def, 'saveSchedule');
  for (const field of ['version', 'cron', 'timezone'] as const) {
    if (typeof def[field] !== 'string' || def[field] === '') {
      throw new InvalidRequestError(`saveSchedule: ${field} must be a non-empty string`);
    }
  }
  if (!CATCH_UP.has(def.catch_up)) {
    throw new InvalidRequestError(`saveSchedule: catch_up must be none, latest or all, got '${def.catch_up}'`);
  }
  if (expectedVersion !== null && (typeof expectedVersion !== 'string' || expectedVersion === '')) {
    throw new InvalidRequestError('saveSchedule: expectedVersion must be a version or null');
  }
}

export function assertScheduledTaskRequest(req: ScheduledTaskRequest): void {
  assertScheduleKey(req.key, 'createScheduledTask');
  if (typeof req.version !== 'string' || req.version === '') {
    throw new InvalidRequestError('createScheduledTask: version must be a non-empty string');
  }
  if (req.tick_at !== null && !Number.isSafeInteger(req.tick_at)) {
    throw new InvalidRequestError(
      `createScheduledTask: tick_at must be epoch milliseconds or null, got ${req.tick_at}`,
    );
  }
  const t = req.task;
  if (t.namespace !== req.key.namespace || t.name !== req.key.template || t.version !== req.version) {
    throw new InvalidRequestError("createScheduledTask: the task must be of the schedule's template and version");
  }
}

/**
 * What a tick (or trigger) may do given the locked schedule row: nothing for an unknown schedule, a paused one (a
 * trigger goes ahead) or one whose version moved on; null when the caller goes on to record the tick.
 */
export function refusal(row: Row | undefined, req: ScheduledTaskRequest): ScheduledTaskResult | null {
  if (row === undefined) return { outcome: 'unknown' };
  if (String(row['version']) !== req.version || !bool(row['declared'])) return { outcome: 'superseded' };
  if (req.tick_at !== null && bool(row['paused'])) return { outcome: 'paused' };
  return null;
}

/** The parameters of insertSchedule / updateSchedule ($1-$10), the context already encoded as JSON text. */
export function definitionParams(def: ScheduleDefinition, context: string): unknown[] {
  return [
    def.namespace,
    def.template,
    def.schedule,
    def.version,
    def.declared,
    def.cron,
    def.timezone,
    def.catch_up,
    def.enabled,
    context,
  ];
}
