// Turns a validated task request into the rows to insert: resolves handler classes, validates the context against
// the template's JSON Schema, applies bypass_steps, runs the task handler's `establishStepDependenciesAndDefaults`
// hook on the planned steps, and marks disabled steps (and steps reachable only through them) skipped.
import { randomUUID } from 'node:crypto';
import { subtaskHandlerClass } from '../definition/handler-naming.js';
import type { NewStep, NewTask } from '../core/store-contract.js';
import { ConfiguredTask, type AnnotationInput, type PlannedStep, type StepDefaultsPatch } from '../core/handler-api.js';
import type { CompiledTemplate } from './workflow-catalog.js';
import { MAX_TIMEOUT_MS, type TaskTemplate } from '../definition/model.js';
import { concurrencyGroups } from './concurrency-keys.js';
import { rateKeys } from './rate-limits.js';
import { InvalidRequestError } from '../core/errors.js';
import { makeTaskView } from './handler-views.js';
import type { NormalisedTaskRequest as NormalisedRequest } from './task-request.js';

export interface TaskPlan {
  task: NewTask;
  /** Annotations created by the establish hook; written once the task exists. */
  annotations: AnnotationInput[];
}

class PlannedStepImpl implements PlannedStep {
  enabled = true;
  timeout: number | null;
  retry_limit: number;
  retryable: boolean;
  constructor(
    readonly name: string,
    readonly handler_class: string,
    readonly depends_on: readonly string[],
    timeout: number | undefined,
    retryLimit: number,
    retryable: boolean,
    public bypassed: boolean,
  ) {
    this.timeout = timeout ?? null;
    this.retry_limit = retryLimit;
    this.retryable = retryable;
  }
  get current_state(): 'pending' | 'skipped' {
    return this.enabled && !this.bypassed ? 'pending' : 'skipped';
  }
  update(patch: StepDefaultsPatch): void {
    if (typeof patch !== 'object' || patch === null)
      throw new TypeError(`step.update(${String(patch)}): expected an object`);
    for (const key of Object.keys(patch)) {
      if (!['enabled', 'timeout', 'retry_limit', 'retryable'].includes(key)) {
        throw new TypeError(
          `step '${this.name}': update() does not accept '${key}' (allowed: enabled, timeout, retry_limit, retryable)`,
        );
      }
    }
    if (patch.enabled !== undefined) this.enabled = Boolean(patch.enabled);
    if (patch.timeout !== undefined) {
      if (
        patch.timeout !== null &&
        !(Number.isInteger(patch.timeout) && patch.timeout > 0 && patch.timeout <= MAX_TIMEOUT_MS)
      ) {
        throw new TypeError(
          `step '${this.name}': timeout must be a whole number of milliseconds from 1 to ${MAX_TIMEOUT_MS} (about 24.8 days), or null for the default`,
        );
      }
      this.timeout = patch.timeout;
    }
    if (patch.retry_limit !== undefined) {
      if (!(Number.isInteger(patch.retry_limit) && patch.retry_limit >= 0)) {
        throw new TypeError(`step '${this.name}': retry_limit must be an integer >= 0`);
      }
      this.retry_limit = patch.retry_limit;
    }
    if (patch.retryable !== undefined) this.retryable = Boolean(patch.retryable);
  }
}

export interface PlanOptions {
  /**
   * `submit` (default): validate the context and run the hook now. `defer`: validate, but leave the hook to the first
   * worker with the handlers (the task is created with `needs_plan`). `deferred`: that worker, planning a task that
   * exists (the context was validated at submission; bypassed steps are already skipped in the store).
   */
  mode?: 'submit' | 'defer' | 'deferred';
  /** The newest registered version of the template: its concurrency limits apply (default: the template itself). */
  newest?: TaskTemplate;
  /**
   * The newest registered version of a template, for sub-workflow steps that name no version: their child version is
   * pinned in their handler class when the parent is created (definition/handler-naming.ts subtaskHandlerClass).
   */
  childVersion?: (namespace: string, name: string) => string | undefined;
  /** The task's id, correlation id and run when it exists already. */
  taskId?: number;
  correlationId?: string;
  run?: number;
}

/** Validates the request against the template and builds the task and steps to create. */
export async function planTask(
  compiled: CompiledTemplate,
  req: NormalisedRequest,
  options: PlanOptions = {},
): Promise<TaskPlan> {
  const { template } = compiled;
  const mode = options.mode ?? 'submit';
  if (mode !== 'deferred' && compiled.validateContext && !compiled.validateContext(req.context)) {
    const details = (compiled.validateContext.errors ?? []).map((e) => ({
      field: `context${e.instancePath.replace(/\//g, '.')}`,
      message: `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}`,
      keyword: e.keyword,
      params: e.params,
    }));
    throw new InvalidRequestError(
      `context does not match the schema of ${compiled.key}: ${details.map((d) => d.message).join('; ')}`,
      details,
    );
  }
  const unknownBypass = req.bypass_steps.filter((n) => !compiled.steps.has(n));
  if (unknownBypass.length) {
    throw new InvalidRequestError(
      `bypass_steps names unknown step(s) ${unknownBypass.join(', ')} of ${compiled.key}`,
      unknownBypass.map((n) => ({ field: 'bypass_steps', message: `unknown step '${n}'` })),
    );
  }
  // A context that lacks a concurrency key field is refused now, before the planning hook runs.
  const gates = mode === 'deferred' ? null : concurrencyGroups(template, options.newest ?? template, req.context);
  // Likewise for a rate limit's key fields: each rate-limited step's bucket (none to compute for most templates).
  const rated =
    mode === 'deferred' || !template.step_templates.some((s) => s.rate_limit) ? null : rateKeys(template, req.context);
  const bypass = new Set(req.bypass_steps);
  const planned = template.step_templates.map((st) => {
    const c = compiled.steps.get(st.name)!;
    const sub = st.subtask;
    return new PlannedStepImpl(
      st.name,
      sub ? subtaskHandlerClass(sub, sub.version ?? options.childVersion?.(sub.namespace, sub.name)) : c.handlerClass,
      st.depends_on,
      st.timeout,
      st.default_retry_limit,
      st.default_retryable,
      bypass.has(st.name),
    );
  });
  const correlationId = options.correlationId ?? randomUUID();
  const annotations: AnnotationInput[] = [];
  const hook = compiled.taskHandler.establishStepDependenciesAndDefaults;
  // ConfiguredTask's own hook does nothing: no view to build, no call to await (the default for every template
  // without a task handler class).
  if (
    mode !== 'defer' &&
    typeof hook === 'function' &&
    hook !== ConfiguredTask.prototype.establishStepDependenciesAndDefaults
  ) {
    const view = makeTaskView(
      {
        ...req,
        task_id: options.taskId ?? 0,
        namespace: template.namespace_name,
        name: template.name,
        version: template.version,
        correlation_id: correlationId,
        run: options.run ?? 1,
      },
      async (_id, a) => {
        annotations.push(a);
      },
    );
    await hook.call(compiled.taskHandler, view, planned);
  }
  const skipped = disabledClosure(compiled, planned);
  // Optional fields are assigned only when present (a spread of `{}` per step and per task is a runtime call and an
  // allocation each, on the submission hot path).
  const stepGates = gates !== null && gates.steps.size > 0 ? gates.steps : null;
  const stepRates = rated !== null && rated.size > 0 ? rated : null;
  const steps: NewStep[] = planned.map((p) => {
    const step: NewStep = {
      name: p.name,
      handler_class: p.handler_class,
      depends_on: [...p.depends_on],
      retry_limit: p.retry_limit,
      retryable: p.retryable,
      timeout_ms: p.timeout,
      skippable: compiled.steps.get(p.name)!.template.skippable,
      initial_state: skipped.has(p.name) || p.bypassed ? 'skipped' : 'pending',
      skip_reason: p.bypassed ? 'bypassed by request' : skipped.has(p.name) ? skipped.get(p.name)! : null,
    };
    const gate = stepGates?.get(p.name);
    if (gate) step.concurrency = gate;
    const rate = stepRates?.get(p.name);
    if (rate !== undefined) step.rate_key = rate;
    return step;
  });
  const task: NewTask = {
    namespace: template.namespace_name,
    name: template.name,
    version: template.version,
    context: req.context,
    initiator: req.initiator,
    source_system: req.source_system,
    reason: req.reason,
    tags: req.tags,
    idempotency_key: req.idempotency_key,
    correlation_id: correlationId,
    steps,
    priority: req.priority ?? template.priority ?? 0,
    // normaliseTaskRequest refused any context or tag JSON would change: the store need not walk them again
    checked: true,
  };
  if (gates?.task) task.concurrency = gates.task;
  if (req.run_at !== null) task.run_at = req.run_at;
  if (req.delay_ms !== null) task.delay_ms = req.delay_ms;
  if (mode === 'defer') task.needs_plan = true;
  return { task, annotations };
}

/**
 * Disabled steps are skipped, and so is every step all of whose parents are disabled-or-pruned (it is reachable
 * only through disabled branches). Bypassed steps are not propagated: they stand in for a step that already ran.
 */
function disabledClosure(compiled: CompiledTemplate, planned: PlannedStepImpl[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of planned) if (!p.enabled) out.set(p.name, 'disabled by task handler');
  if (out.size === 0) return out;
  for (const level of compiled.dag.levels) {
    for (const name of level) {
      if (out.has(name)) continue;
      const parents = compiled.dag.parents.get(name) ?? [];
      if (parents.length > 0 && parents.every((p) => out.has(p)))
        out.set(name, 'reachable only through disabled steps');
    }
  }
  return out;
}
