// Reads a step's dynamic keys: `wait_for` (a durable wait for a signal or a timer), `subtask` (a child task) and
// `map` (one instance per item of a run-time list), reporting problems in place. Checks that need the whole
// template (combinations, references to upstream steps) are in dynamic-step-checks.ts.
import { parseDuration } from '../core/duration.js';
import { SIGNAL_NAME_PATTERN } from '../core/store-dynamic.js';
import { FieldReader, isPlainObject, type IssueCollector, type RawObject } from './issue-collector.js';
import { DEFAULT_NAMESPACE, type MapSpec, type SubtaskSpec, type WaitSpec } from './model.js';
import type { Path } from './source-locator.js';
import { MAP_KEYS, SUBTASK_KEYS, WAIT_KEYS } from './template-keys.js';
import { parseValueRef } from './value-ref.js';

/** Largest `max_parallel` a map may declare. */
const MAX_PARALLEL_BOUND = 100_000;

function mapping(c: IssueCollector, raw: unknown, path: Path, key: string, step: string, hint: string) {
  if (isPlainObject(raw)) return raw;
  c.wrongType(`a mapping (${hint})`, raw, path, key, step);
  return undefined;
}

function duration(c: IssueCollector, raw: RawObject, key: string, path: Path, step: string): number | undefined {
  if (raw[key] === undefined || raw[key] === null) return undefined;
  const parsed = parseDuration(raw[key]);
  if ('error' in parsed || parsed.ms < 1) {
    const why = 'error' in parsed ? parsed.error : 'must be at least 1 ms';
    c.add('invalid_value', `wait_for.${key} ${why}`, { path: [...path, key], step, key: `wait_for.${key}` });
    return undefined;
  }
  return parsed.ms;
}

function reference(c: IssueCollector, text: string | undefined, path: Path, key: string, step: string): boolean {
  if (text === undefined) return false;
  const ref = parseValueRef(text);
  if ('error' in ref) {
    c.add('invalid_value', `${key}: ${ref.error}`, { path, step, key });
    return false;
  }
  return true;
}

/** `wait_for: { signal: approval, timeout: 48h }`, `{ duration: 24h }` or `{ until: context.remind_at }`. */
export function readWaitFor(c: IssueCollector, raw: unknown, path: Path, step: string): WaitSpec | undefined {
  const obj = mapping(c, raw, path, 'wait_for', step, '{ signal, timeout }, { duration } or { until }');
  if (!obj) return undefined;
  c.unknownKeys(obj, WAIT_KEYS, path, 'wait_for', step);
  const r = new FieldReader(c, obj, path, step);
  const kinds = (['signal', 'duration', 'until'] as const).filter((k) => r.has(k));
  if (kinds.length !== 1) {
    const got = kinds.length ? `got ${kinds.join(' and ')}` : 'got none';
    c.add('invalid_value', `wait_for needs exactly one of signal, duration or until (${got})`, {
      path,
      step,
      key: 'wait_for',
    });
    return undefined;
  }
  const spec: WaitSpec = {};
  if (kinds[0] === 'signal') {
    const name = r.string('signal');
    if (name === undefined) return undefined;
    if (!SIGNAL_NAME_PATTERN.test(name)) {
      c.add('invalid_value', `wait_for.signal '${name}' must match ${String(SIGNAL_NAME_PATTERN)}`, {
        path: [...path, 'signal'],
        step,
        key: 'wait_for.signal',
      });
      return undefined;
    }
    spec.signal = name;
    const timeout = duration(c, obj, 'timeout', path, step);
    if (timeout !== undefined) spec.timeout = timeout;
    else if (r.has('timeout')) return undefined;
    return spec;
  }
  if (r.has('timeout')) {
    c.add('invalid_value', 'wait_for.timeout applies to a signal wait only', {
      path: [...path, 'timeout'],
      step,
      key: 'wait_for.timeout',
    });
  }
  if (kinds[0] === 'duration') {
    const ms = duration(c, obj, 'duration', path, step);
    if (ms === undefined) return undefined;
    spec.duration = ms;
    return spec;
  }
  const until = r.string('until');
  if (!reference(c, until, [...path, 'until'], 'wait_for.until', step)) return undefined;
  spec.until = until!.trim();
  return spec;
}

/** `subtask: { namespace, name, version?, context_from? }`. */
export function readSubtask(c: IssueCollector, raw: unknown, path: Path, step: string): SubtaskSpec | undefined {
  const obj = mapping(c, raw, path, 'subtask', step, '{ namespace, name, version, context_from }');
  if (!obj) return undefined;
  c.unknownKeys(obj, SUBTASK_KEYS, path, 'subtask', step);
  const r = new FieldReader(c, obj, path, step);
  const name = r.string('name');
  if (!r.has('name')) c.add('missing_key', "subtask has no 'name' (the child template)", { path, step, key: 'name' });
  const namespace = r.has('namespace') ? r.string('namespace') : DEFAULT_NAMESPACE;
  const version = r.has('version') ? String(obj['version']).trim() : undefined;
  if (r.has('version') && typeof obj['version'] !== 'string') {
    c.wrongType('a version string such as 2.1.0', obj['version'], [...path, 'version'], 'subtask.version', step);
  }
  let ok = name !== undefined && namespace !== undefined;
  const spec = { namespace: namespace ?? '', name: name ?? '' } as SubtaskSpec;
  if (version !== undefined && typeof obj['version'] === 'string') spec.version = version;
  const from = r.object('context_from');
  if (r.has('context_from') && from === undefined) ok = false;
  if (from !== undefined) {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(from)) {
      const at = [...path, 'context_from', key];
      if (typeof value !== 'string') {
        c.wrongType('a value reference such as context.customer_id', value, at, `subtask.context_from.${key}`, step);
        ok = false;
      } else if (reference(c, value, at, `subtask.context_from.${key}`, step)) out[key] = value.trim();
      else ok = false;
    }
    spec.context_from = out;
  }
  return ok ? spec : undefined;
}

/** `map: { over: <reference>, max_parallel? }`. */
export function readMap(c: IssueCollector, raw: unknown, path: Path, step: string): MapSpec | undefined {
  const obj = mapping(c, raw, path, 'map', step, '{ over, max_parallel }');
  if (!obj) return undefined;
  c.unknownKeys(obj, MAP_KEYS, path, 'map', step);
  const r = new FieldReader(c, obj, path, step);
  if (!r.has('over')) {
    c.add('missing_key', "map has no 'over' (the list: context.<path> or <step>.results.<path>)", {
      path,
      step,
      key: 'map.over',
    });
    return undefined;
  }
  const over = r.string('over');
  const maxParallel = r.integerIn('max_parallel', 1, MAX_PARALLEL_BOUND);
  if (!reference(c, over, [...path, 'over'], 'map.over', step)) return undefined;
  if (r.has('max_parallel') && maxParallel === undefined) return undefined;
  const spec: MapSpec = { over: over!.trim() };
  if (maxParallel !== undefined) spec.max_parallel = maxParallel;
  return spec;
}
