// Reads a template's `schedules:` list into normalised ScheduleTemplates, reporting every problem with its YAML path:
// unknown keys, missing or duplicate names, a cron expression or time zone that is not one, a `catch_up` that is no
// mode, and a context that JSON cannot hold as written or that the template's context schema refuses.
import { jsonProblems } from '../core/json-fidelity.js';
import { cronProblem, DEFAULT_TIMEZONE, timezoneProblem } from './cron.js';
import { didYouMean } from './did-you-mean.js';
import { FieldReader, isPlainObject, type IssueCollector, type RawObject } from './issue-collector.js';
import { compileJsonSchema } from './json-schema.js';
import { CATCH_UP_MODES, DEFAULT_CATCH_UP, type CatchUp, type ScheduleTemplate } from './model.js';
import type { Path } from './source-locator.js';
import { SCHEDULE_KEYS } from './template-keys.js';

/** What a schedule's name may hold: it is a path segment of the API (`/schedules/{ns}/{name}/{schedule}`). */
const NAME_PATTERN = /^[A-Za-z0-9_.-]+$/;

interface ReadSchedule {
  path: Path;
  name?: string;
  /** Absent when the entry has a problem. */
  schedule?: ScheduleTemplate;
}

/**
 * The template's schedules, or undefined when it declares none. `schema` is the template's context schema when it
 * is valid (each schedule's context is checked against it).
 */
export function readSchedules(
  c: IssueCollector,
  raw: RawObject,
  schema: Record<string, unknown> | undefined,
): ScheduleTemplate[] | undefined {
  const list = raw['schedules'];
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    c.wrongType('a list of schedules (each with a name and a cron expression)', list, ['schedules'], 'schedules');
    return undefined;
  }
  const read: ReadSchedule[] = [];
  list.forEach((entry: unknown, i) => {
    const one = readSchedule(c, entry, ['schedules', i], `schedules[${i}]`);
    if (one !== undefined) read.push(one);
  });
  checkDuplicates(c, read);
  const schedules: ScheduleTemplate[] = [];
  for (const r of read) {
    if (r.schedule === undefined) continue;
    if (schema !== undefined) checkContext(c, r.schedule, r.path, schema);
    schedules.push(r.schedule);
  }
  return schedules;
}

function readSchedule(c: IssueCollector, entry: unknown, path: Path, label: string): ReadSchedule | undefined {
  if (!isPlainObject(entry)) {
    c.wrongType('a mapping with at least a name and a cron expression', entry, path, label);
    return undefined;
  }
  const where = `schedule '${typeof entry['name'] === 'string' ? entry['name'] : label}'`;
  c.unknownKeys(entry, SCHEDULE_KEYS, path, where);
  const r = new FieldReader(c, entry, path);
  const at = (key: string) => ({ path: [...path, key], key });
  const name = r.string('name');
  if (!r.has('name')) c.add('missing_key', `${label} has no 'name' (every schedule needs one)`, { path, key: 'name' });
  else if (name !== undefined && !NAME_PATTERN.test(name)) {
    c.add('invalid_value', `schedule name '${name}' may hold only letters, digits, '_', '.' and '-'`, at('name'));
  }
  const cron = r.string('cron');
  if (!r.has('cron')) {
    c.add('missing_key', `${where} has no 'cron' (five fields, or six with seconds: "0 * * * *")`, {
      path,
      key: 'cron',
    });
  } else if (cron !== undefined) {
    const problem = cronProblem(cron);
    if (problem !== null) c.add('invalid_cron', `${where}: ${problem}`, at('cron'));
  }
  const timezone = r.string('timezone') ?? DEFAULT_TIMEZONE;
  const zoneProblem = r.has('timezone') ? timezoneProblem(timezone) : null;
  if (zoneProblem !== null) c.add('invalid_value', `${where}: timezone ${zoneProblem}`, at('timezone'));
  const catchUp = readCatchUp(c, entry['catch_up'], [...path, 'catch_up'], where);
  const enabled = r.boolean('enabled');
  const context = r.object('context');
  if (context !== undefined) {
    for (const p of jsonProblems(context, 'context', { safeIntegers: true })) {
      c.add('invalid_value', `${where}: ${p.path} ${p.message}`, at('context'));
    }
  }
  const complete = name !== undefined && cron !== undefined;
  if (!complete || catchUp === undefined || zoneProblem !== null)
    return { path, ...(name !== undefined ? { name } : {}) };
  return {
    path,
    name,
    schedule: {
      name,
      cron,
      timezone,
      context: context ?? {},
      catch_up: catchUp,
      enabled: enabled ?? true,
    },
  };
}

function readCatchUp(c: IssueCollector, value: unknown, path: Path, where: string): CatchUp | undefined {
  if (value === undefined || value === null) return DEFAULT_CATCH_UP;
  if (typeof value === 'string' && (CATCH_UP_MODES as readonly string[]).includes(value)) return value as CatchUp;
  const modes = CATCH_UP_MODES.join(', ');
  const hint = typeof value === 'string' ? didYouMean(value, CATCH_UP_MODES) : '';
  c.add('invalid_value', `${where}: catch_up must be one of ${modes}, got ${JSON.stringify(value)}${hint}`, {
    path,
    key: 'catch_up',
  });
  return undefined;
}

function checkDuplicates(c: IssueCollector, read: ReadSchedule[]): void {
  const first = new Map<string, ReadSchedule>();
  for (const r of read) {
    if (r.name === undefined) continue;
    const earlier = first.get(r.name);
    if (earlier === undefined) {
      first.set(r.name, r);
      continue;
    }
    const line = c.lineOf([...earlier.path, 'name']);
    const hint = line !== undefined ? ` (first defined at line ${line})` : '';
    c.add('duplicate_schedule', `schedule '${r.name}' is declared twice${hint}`, {
      path: [...r.path, 'name'],
      key: 'name',
    });
  }
}

/** The schedule's context must be one the template accepts: the same check as every submitted context. */
function checkContext(c: IssueCollector, s: ScheduleTemplate, path: Path, schema: Record<string, unknown>): void {
  const validate = compileJsonSchema(schema);
  if (validate(s.context)) return;
  for (const e of validate.errors ?? []) {
    const segments = e.instancePath === '' ? [] : e.instancePath.slice(1).split('/');
    const field = ['context', ...segments].join('.');
    c.add('invalid_context', `schedule '${s.name}': ${field} ${e.message ?? 'is invalid'} (the template's schema)`, {
      path: [...path, 'context', ...segments],
      key: 'context',
    });
  }
}
