// Step and task handlers keyed by class-name strings (Ruby-style `Ecommerce::CheckPaymentHandler` is fine), and the
// validation check that every step of a template resolves to a registered handler.
import { TaskerError } from '../core/errors.js';
import { didYouMean } from './did-you-mean.js';
import { stepHandlerProblem, type HandlerEntry } from './handler-entry.js';
import { handlerModuleOf, isHandlerless, resolveStepHandlerClass } from './handler-naming.js';
import type { TaskTemplate, TemplateSource } from './model.js';
import type { ValidationIssue } from './validation-issue.js';

export type { HandlerEntry } from './handler-entry.js';

export class HandlerRegistry {
  private readonly entries = new Map<string, HandlerEntry>();
  /** Bumped by every registration that adds a handler (callers cache what they derive from the registry). */
  revision = 0;

  /** Registering the same entry twice is a no-op; a different entry under a taken name is an error. */
  register(name: string, entry: HandlerEntry): void {
    if (typeof name !== 'string' || name.trim() === '')
      throw new TaskerError('handler name must be a non-empty string', 'handler_invalid');
    if ((typeof entry !== 'function' && typeof entry !== 'object') || entry === null) {
      throw new TaskerError(
        `handler '${name}' must be a class, an object or a function; got ${entry === null ? 'null' : typeof entry}`,
        'handler_invalid',
      );
    }
    const existing = this.entries.get(name);
    if (existing !== undefined && existing !== entry) {
      throw new TaskerError(`a different handler is already registered as '${name}'`, 'handler_conflict');
    }
    if (existing === undefined) this.revision += 1;
    this.entries.set(name, entry);
  }

  registerAll(entries: Record<string, HandlerEntry>): void {
    for (const [name, entry] of Object.entries(entries)) this.register(name, entry);
  }

  get(name: string): HandlerEntry | undefined {
    return this.entries.get(name);
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  names(): string[] {
    return [...this.entries.keys()].sort();
  }
}

/** One issue per step whose handler class is not registered (or registered as something unusable). */
export function checkHandlers(
  template: TaskTemplate,
  registry: HandlerRegistry,
  source: TemplateSource = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const step of template.step_templates) {
    if (isHandlerless(step)) continue;
    const cls = resolveStepHandlerClass(template, step);
    const entry = registry.get(cls);
    let message: string;
    if (entry === undefined) {
      const origin =
        step.handler_class !== undefined
          ? 'from handler_class'
          : `derived from ${template.module_namespace !== undefined ? 'module_namespace' : handlerModuleOf(template) !== undefined ? 'task_handler_class' : 'the step name'}`;
      message = `no handler registered as '${cls}' (${origin})${didYouMean(cls, registry.names())}`;
    } else {
      const problem = stepHandlerProblem(entry);
      if (problem === undefined) continue;
      message = `handler '${cls}' is unusable: ${problem}`;
    }
    const issue: ValidationIssue = {
      code: 'missing_handler',
      message,
      template: `${template.namespace_name}/${template.name}`,
      step: step.name,
      key: 'handler_class',
    };
    if (source.file !== undefined) issue.file = source.file;
    const pos = source.stepPositions?.[step.name];
    if (pos !== undefined) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    issues.push(issue);
  }
  return issues;
}
