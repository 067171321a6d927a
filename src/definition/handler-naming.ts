// Which handler class a step uses: its own `handler_class`, else `<module>::<PascalCase(step)>Handler` where the
// module is `module_namespace` or the module part of `task_handler_class` (the seed's Rails convention).
import type { StepTemplate, TaskTemplate } from './model.js';

/** `create_account` -> `CreateAccount`; also splits on `-`, `.` and spaces. */
export function pascalCase(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((part) => part !== '')
    .map((part) => (part[0] as string).toUpperCase() + part.slice(1))
    .join('');
}

/** The module a template's derived step handlers live in, or undefined for none. */
export function handlerModuleOf(
  template: Pick<TaskTemplate, 'module_namespace' | 'task_handler_class'>,
): string | undefined {
  if (template.module_namespace !== undefined) return template.module_namespace;
  const cls = template.task_handler_class;
  if (cls === undefined) return undefined;
  const cut = cls.lastIndexOf('::');
  return cut > 0 ? cls.slice(0, cut) : undefined;
}

/**
 * The handler class of steps the engine runs itself, with no handler of their own: durable waits (`wait_for`) and
 * sub-workflows (`subtask`). Never looked up in a handler registry.
 */
export const BUILTIN_HANDLERS = { wait: 'tasker::Wait', subtask: 'tasker::Subtask' } as const;

/**
 * The handler class a sub-workflow step is created with: `tasker::Subtask(namespace/name@version)`, its child template
 * pinned when the parent task is created (the declared version, else the newest registered then); without a version
 * when none was known then (the first child takes the newest its worker has).
 */
export function subtaskHandlerClass(spec: { namespace: string; name: string }, version: string | undefined): string {
  return `${BUILTIN_HANDLERS.subtask}(${spec.namespace}/${spec.name}${version !== undefined ? `@${version}` : ''})`;
}

/** The child version a sub-workflow step's handler class pins, if any. */
export function pinnedSubtaskVersion(handlerClass: string): string | undefined {
  const m = /@([^@()]+)\)$/.exec(handlerClass);
  return m ? m[1] : undefined;
}

/** Whether a step runs without a handler of its own (a durable wait or a sub-workflow). */
export function isHandlerless(step: Pick<StepTemplate, 'wait_for' | 'subtask'>): boolean {
  return step.wait_for !== undefined || step.subtask !== undefined;
}

export function resolveStepHandlerClass(
  template: Pick<TaskTemplate, 'module_namespace' | 'task_handler_class'>,
  step: Pick<StepTemplate, 'name' | 'handler_class' | 'wait_for' | 'subtask'>,
): string {
  if (step.wait_for !== undefined) return BUILTIN_HANDLERS.wait;
  if (step.subtask !== undefined) return BUILTIN_HANDLERS.subtask;
  if (step.handler_class !== undefined) return step.handler_class;
  const cls = `${pascalCase(step.name)}Handler`;
  const mod = handlerModuleOf(template);
  return mod !== undefined ? `${mod}::${cls}` : cls;
}
