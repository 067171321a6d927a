// Map fan-out (`map: { over, max_parallel }`): a step that runs its handler once per item of a list known only at run
// time. The mapped step is claimed like any step and the engine drives it:
// - first claim: resolve `map.over` against the task's context and the step's upstream results. Not a list, or more
//   items than `maxMapItems`: the step fails for good, saying what it found. The source step skipped: the step is
//   skipped. No items: it completes with []. Else it expands (an `expand` outcome): the store creates one instance per
//   item (`name[0]`, `name[1]`, …) and hands the step back pending on them, holding no lease and no worker slot.
// - each instance is an ordinary claim of the same handler with `step.item` and `step.index`, retried on its own.
// - once every instance is done, the step is claimable again (the gather): it completes with the instances' results
//   as one array in item order, which is what its dependents read.
import type { Store } from '../core/store-contract.js';
import { PermanentError } from '../core/errors.js';
import { parseMapInstanceName } from '../core/store-dynamic.js';
import type { StepSnapshot, TaskView } from '../core/handler-api.js';
import type { MapSpec } from '../definition/model.js';
import { parseValueRef, resolveValueRef, type ValueRef } from '../definition/value-ref.js';
import { failureOutcome, type Execution, type RunnableStep } from './step-execution.js';
import type { MapInstance } from './step-view.js';

/** Whether a claimed step is a map instance (`name[3]`) rather than the mapped step itself. */
export function isMapInstance(claimedName: string): boolean {
  return parseMapInstanceName(claimedName) !== null;
}

/** What `map.over` names: the list, or why there is none (the source step was skipped). */
type Source = { list: unknown; ref: ValueRef } | { skippedBy: string };

function refOf(spec: MapSpec): ValueRef {
  const ref = parseValueRef(spec.over);
  if ('error' in ref) throw new PermanentError(`map.over: ${ref.error}`, { errorCode: 'invalid_map' });
  return ref;
}

function resolveSource(spec: MapSpec, task: TaskView, ancestors: readonly StepSnapshot[]): Source {
  const ref = refOf(spec);
  if (ref.from === 'step') {
    const source = ancestors.find((a) => a.name === ref.step);
    if (source?.current_state === 'skipped') return { skippedBy: ref.step };
    return { list: resolveValueRef(ref, task.context, () => source?.results), ref };
  }
  return { list: resolveValueRef(ref, task.context, () => undefined), ref };
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  const json = JSON.stringify(value);
  const kind = typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  return `${kind} (${json.length > 80 ? `${json.slice(0, 77)}...` : json})`;
}

/** The mapped step's attempt: gather its instances' results when it was expanded, else expand (or finish) it. */
export async function runMapStep(store: Store, maxItems: number, r: RunnableStep): Promise<Execution> {
  const started = performance.now();
  const c = r.claimed;
  const spec = r.step.template.map as MapSpec;
  const base = { step_id: c.step_id, task_id: c.task.task_id, attempt: c.attempt };
  const elapsed = () => performance.now() - started;
  try {
    const state = await store.dynamic.mapState(c.step_id);
    if (state.size !== null) {
      // The gather: every instance is completed, skipped or resolved (the step was not claimable before).
      if (state.open > 0 || state.results.length !== state.size) {
        throw new PermanentError(
          `map of '${r.step.template.name}' has ${state.open} unfinished of ${state.size} instances`,
          { errorCode: 'invalid_map' },
        );
      }
      return {
        kind: 'outcome',
        outcome: { type: 'completed', ...base, results: state.results },
        error: null,
        durationMs: elapsed(),
      };
    }
    const source = resolveSource(spec, r.task, r.ancestors);
    if ('skippedBy' in source) {
      const reason = `source step ${source.skippedBy} was skipped`;
      return { kind: 'outcome', outcome: { type: 'skipped', ...base, reason }, error: null, durationMs: elapsed() };
    }
    const { list, ref } = source;
    if (!Array.isArray(list)) {
      throw new PermanentError(`map.over: ${ref.text} is ${describe(list)}; expected a list`, {
        errorCode: 'invalid_map',
      });
    }
    if (list.length > maxItems) {
      throw new PermanentError(
        `map.over: ${ref.text} has ${list.length} items, more than the limit of ${maxItems} (the maxMapItems option)`,
        { errorCode: 'map_too_large' },
      );
    }
    if (list.length === 0) {
      return {
        kind: 'outcome',
        outcome: { type: 'completed', ...base, results: [] },
        error: null,
        durationMs: elapsed(),
      };
    }
    const outcome = { type: 'expand' as const, ...base, count: list.length, max_parallel: spec.max_parallel ?? null };
    return { kind: 'outcome', outcome, error: null, durationMs: elapsed() };
  } catch (err) {
    return { kind: 'outcome', ...failureOutcome(r, err), durationMs: elapsed() };
  }
}

/**
 * What a claimed map instance runs with: its mapped step's name, its index and its item, read from the same list the
 * step expanded over (the task's context or its upstream results, both fixed within a run and cached per task).
 */
export function mapInstanceOf(r: Pick<RunnableStep, 'claimed' | 'step' | 'task' | 'ancestors'>): MapInstance {
  const parsed = parseMapInstanceName(r.claimed.name);
  const spec = r.step.template.map;
  if (!parsed || !spec) throw new Error(`internal: step '${r.claimed.name}' is not a map instance`);
  const source = resolveSource(spec, r.task, r.ancestors);
  const list = 'list' in source ? source.list : undefined;
  if (!Array.isArray(list) || parsed.index >= list.length) {
    throw new PermanentError(
      `map instance ${r.claimed.name}: ${spec.over} no longer has an item ${parsed.index} (${describe(list)})`,
      { errorCode: 'invalid_map' },
    );
  }
  return { step: parsed.step, index: parsed.index, item: list[parsed.index] };
}
