// Per-template and per-handler caches the engine consults on every step: the compiled DAG, each step's resolved
// handler class, ancestors and retry policy, the context validator, and handler instances. Built once per
// template/handler, so the hot path never repeats this work. New tasks come only from registered templates; a running
// task whose template is not registered here runs on its stored ("pinned") definition (template-definitions.ts).
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  DEFAULT_RETRY_POLICY,
  templateKey,
  type RetryPolicy,
  type StepTemplate,
  type TaskTemplate,
} from '../definition/model.js';
import { buildDag, type Dag } from '../definition/dag.js';
import { resolveStepHandlerClass } from '../definition/handler-naming.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import { checkHandlers, type HandlerRegistry } from '../definition/handler-registry.js';
import { toStepHandler, toTaskHandler } from '../definition/handler-entry.js';
import type { StepHandlerLike, TaskHandlerLike } from '../core/handler-api.js';
import { InvalidRequestError, NotFoundError, PermanentError } from '../core/errors.js';
import type { PinnedDefinitions } from './template-definitions.js';

// ajv-formats ships CJS; under NodeNext its default import is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv,
) => Ajv;

export interface CompiledStep {
  template: StepTemplate;
  handlerClass: string;
  ancestors: readonly string[];
  children: readonly string[];
  retryPolicy: RetryPolicy;
  /**
   * Completing this step can make another step claimable by itself: it has dependents, it is mapped (its instances
   * ready their gather and their lanes), or it or its task holds a concurrency slot that goes to the next in line.
   * (A child task finishing wakes its parent's step as well: see WorkflowCatalog.mayReadyOthers.)
   */
  readiesOthers: boolean;
}

export interface CompiledTemplate {
  template: TaskTemplate;
  key: string;
  dag: Dag;
  steps: ReadonlyMap<string, CompiledStep>;
  validateContext: ValidateFunction | null;
  taskHandler: TaskHandlerLike;
}

const NO_PINNED: PinnedDefinitions = { revision: 0, get: () => undefined, list: () => [] };

export class WorkflowCatalog {
  private readonly compiledByKey = new Map<string, CompiledTemplate>();
  private readonly stepHandlers = new Map<string, StepHandlerLike>();
  private readonly ajv: Ajv;
  /** The last capabilities() answer and what it was computed from (read on every claim: compared, not rebuilt). */
  private capabilityCache: {
    templates: number;
    handlers: number;
    pinned: number;
    namespaces: readonly string[] | null;
    value: string[];
    /** Some template it can run has a step with a rate limit (its claims then ask for the rate claim too). */
    rated: boolean;
  } | null = null;
  /** Whether a known template has a sub-workflow step, and the revisions it was computed at (mayReadyOthers). */
  private nestingCache: { templates: number; pinned: number; value: boolean } | null = null;

  constructor(
    readonly templates: TemplateRegistry,
    readonly handlers: HandlerRegistry,
    private readonly globalRetry: RetryPolicy = DEFAULT_RETRY_POLICY,
    /** The worker's timeout for steps with none of their own (`stepTimeoutMs`); undefined means the 15 min default. */
    readonly stepTimeoutMs?: number,
    /** Stored definitions of templates that may not be registered here (tasks created elsewhere or earlier). */
    private readonly pinned: PinnedDefinitions = NO_PINNED,
  ) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
  }

  /** The newest registered version of a template (whose concurrency limits apply), if any. */
  newest(namespace: string, name: string): TaskTemplate | undefined {
    return this.templates.get(namespace, name);
  }

  /** The template a request names (latest version when none is given); unknown ones are a bad request. */
  forRequest(namespace: string, name: string, version?: string | null): CompiledTemplate {
    const template = this.templates.get(namespace, name, version ?? undefined);
    if (!template) {
      const versions = this.templates.versions(namespace, name);
      const what = `${namespace}/${name}${version ? `@${version}` : ''}`;
      throw new InvalidRequestError(
        versions.length
          ? `unknown version of template ${what}; known versions: ${versions.join(', ')}`
          : `unknown template ${what}; known templates: ${this.knownTemplates()}`,
        [{ field: version && versions.length ? 'version' : 'name', message: `unknown template ${what}` }],
      );
    }
    return this.compile(template);
  }

  /** The exact template version a running task was created from: registered here, else its stored definition. */
  forTask(namespace: string, name: string, version: string): CompiledTemplate {
    const key = `${namespace}/${name}@${version}`;
    const hit = this.compiledByKey.get(key);
    if (hit) return hit;
    const template = this.templates.get(namespace, name, version) ?? this.pinned.get(namespace, name, version);
    if (!template) {
      throw new PermanentError(`template ${key} is not registered in this worker, nor stored`, {
        errorCode: 'template_missing',
      });
    }
    return this.compile(template);
  }

  /**
   * The templates this process can run (`namespace/name@version`): registered or stored (pinned), in `namespaces`
   * (null: all), with every step's handler registered and usable. Recomputed only when a template or handler is
   * registered or the stored set changes.
   */
  capabilities(namespaces: readonly string[] | null): string[] {
    const cache = this.capabilityCache;
    const templates = this.templates.revision;
    const handlers = this.handlers.revision;
    const pinned = this.pinned.revision;
    if (
      cache &&
      cache.templates === templates &&
      cache.handlers === handlers &&
      cache.pinned === pinned &&
      cache.namespaces === namespaces
    ) {
      return cache.value;
    }
    const registered = this.templates.list().map((l) => l.template);
    const stored = this.pinned.list().filter((t) => !this.templates.has(t.namespace_name, t.name, t.version));
    const runnable = [...registered, ...stored]
      .filter((t) => namespaces === null || namespaces.includes(t.namespace_name))
      .filter((t) => checkHandlers(t, this.handlers).length === 0);
    const value = runnable.map((t) => templateKey(t));
    const rated = runnable.some((t) => t.step_templates.some((st) => st.rate_limit !== undefined));
    this.capabilityCache = { templates, handlers, pinned, namespaces, value, rated };
    return value;
  }

  /**
   * Whether completing `step` can make another step claimable: its own `readiesOthers`, or any task here may be a
   * sub-workflow's child (a template known here has a `subtask` step), whose end wakes its parent's step.
   */
  mayReadyOthers(step: CompiledStep): boolean {
    if (step.readiesOthers) return true;
    const templates = this.templates.revision;
    const pinned = this.pinned.revision;
    const cache = this.nestingCache;
    if (cache && cache.templates === templates && cache.pinned === pinned) return cache.value;
    const all = [...this.templates.list().map((l) => l.template), ...this.pinned.list()];
    const value = all.some((t) => t.step_templates.some((st) => st.subtask !== undefined));
    this.nestingCache = { templates, pinned, value };
    return value;
  }

  /** Whether a template this process can run has a rate-limited step (computed with `capabilities`). */
  rateLimited(namespaces: readonly string[] | null): boolean {
    this.capabilities(namespaces);
    return this.capabilityCache!.rated;
  }

  /**
   * Whether this process can run a template's planning hook at submission: the template declares no task handler
   * class, or it is registered here, or every step handler is (then this process has the template's handlers, and a
   * task handler class it lacks is not registered anywhere: the default, hook-less one applies).
   */
  canPlan(compiled: CompiledTemplate): boolean {
    const cls = compiled.template.task_handler_class;
    if (cls === undefined || this.handlers.has(cls)) return true;
    return checkHandlers(compiled.template, this.handlers).length === 0;
  }

  /** A ready-to-call step handler for a resolved class name; instantiated once per process. */
  stepHandler(handlerClass: string): StepHandlerLike {
    const cached = this.stepHandlers.get(handlerClass);
    if (cached) return cached;
    const entry = this.handlers.get(handlerClass);
    if (entry === undefined) {
      throw new PermanentError(`no step handler registered as '${handlerClass}' in this worker`, {
        errorCode: 'handler_missing',
      });
    }
    const handler = toStepHandler(entry, handlerClass);
    this.stepHandlers.set(handlerClass, handler);
    return handler;
  }

  /** Forget cached handler instances (after new handlers are registered). */
  invalidateHandlers(): void {
    this.stepHandlers.clear();
    for (const c of this.compiledByKey.values()) {
      c.taskHandler = toTaskHandler(
        c.template.task_handler_class ? this.handlers.get(c.template.task_handler_class) : undefined,
        c.template.task_handler_class,
      );
    }
  }

  private compile(template: TaskTemplate): CompiledTemplate {
    const key = templateKey(template);
    const hit = this.compiledByKey.get(key);
    if (hit && hit.template === template) return hit;
    const dag = buildDag(template.step_templates);
    const position = new Map(dag.nodes.map((n, i) => [n, i]));
    const steps = new Map<string, CompiledStep>();
    for (const st of template.step_templates) {
      steps.set(st.name, {
        template: st,
        handlerClass: resolveStepHandlerClass(template, st),
        ancestors: ancestorsInOrder(dag, st.name, position),
        children: dag.children.get(st.name) ?? [],
        retryPolicy: { ...this.globalRetry, ...(st.retry ?? {}) },
        readiesOthers:
          (dag.children.get(st.name)?.length ?? 0) > 0 ||
          st.map !== undefined ||
          st.concurrency !== undefined ||
          template.concurrency !== undefined,
      });
    }
    let validateContext: ValidateFunction | null = null;
    if (template.schema) {
      try {
        validateContext = this.ajv.compile(template.schema);
      } catch (err) {
        throw new NotFoundError(`template ${key} has an invalid schema: ${(err as Error).message}`);
      }
    }
    const taskHandlerEntry = template.task_handler_class ? this.handlers.get(template.task_handler_class) : undefined;
    const compiled: CompiledTemplate = {
      template,
      key,
      dag,
      steps,
      validateContext,
      taskHandler: toTaskHandler(taskHandlerEntry, template.task_handler_class),
    };
    this.compiledByKey.set(key, compiled);
    return compiled;
  }

  private knownTemplates(): string {
    const all = this.templates.list().map((l) => templateKey(l.template));
    return all.length ? all.join(', ') : '(none registered)';
  }
}

/**
 * Every step `name` transitively depends on, in declaration order (like `ancestorsOf`, but sorting the ancestors
 * found instead of filtering every node: compiling a 1,000-step fan-out is O(steps + ancestors), not O(steps²)).
 */
function ancestorsInOrder(dag: Dag, name: string, position: ReadonlyMap<string, number>): string[] {
  const found = new Set<string>();
  const stack = [...(dag.parents.get(name) ?? [])];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (found.has(n)) continue;
    found.add(n);
    for (const m of dag.parents.get(n) ?? []) if (!found.has(m)) stack.push(m);
  }
  return [...found].sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
}
