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

export function resolveStepHandlerClass(
  template: Pick<TaskTemplate, 'module_namespace' | 'task_handler_class'>,
  step: Pick<StepTemplate, 'name' | 'handler_class'>,
): string {
  if (step.handler_class !== undefined) return step.handler_class;
  const cls = `${pascalCase(step.name)}Handler`;
  const mod = handlerModuleOf(template);
  return mod !== undefined ? `${mod}::${cls}` : cls;
}
