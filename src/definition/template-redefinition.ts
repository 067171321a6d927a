// A template whose definition changed while its version did not: the store keeps the definition each version was
// first used with (tasks of that version run on it to their end), so a different one under the same version is
// refused — at load, at `Tasker.open`, and by `tasker validate --db`. This file owns the message (with the first
// differing path) and the error listing every such template.
import { TaskerError } from '../core/errors.js';
import { templateKey, type TaskTemplate, type TemplateSource } from './model.js';
import { firstDifference } from './template-fingerprint.js';
import { formatIssue, type ValidationIssue } from './validation-issue.js';

/** The stored side of a refused template: when it was stored and what (its definition as JSON). */
export interface StoredDefinitionSide {
  stored_at: number;
  definition: unknown;
}

/**
 * `ns/name@1.0.0 differs from the definition stored on <ISO time>; bump the version (step_templates[2].handler_class
 * changed)`, as a validation issue of the template's file.
 */
export function redefinitionIssue(
  template: TaskTemplate,
  source: TemplateSource | undefined,
  stored: StoredDefinitionSide,
): ValidationIssue {
  const before = typeof stored.definition === 'object' && stored.definition !== null ? stored.definition : {};
  const where = firstDifference(before as Record<string, unknown>, template);
  const message =
    `${templateKey(template)} differs from the definition stored on ${new Date(stored.stored_at).toISOString()}; ` +
    `bump the version${where ? ` (${where})` : ''}`;
  return { code: 'template_redefined', message, ...(source?.file !== undefined ? { file: source.file } : {}) };
}

/** Templates were refused because their definition changed under the same version; `issues` lists each one. */
export class TemplateRedefinedError extends TaskerError {
  override name = 'TemplateRedefinedError';
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[]) {
    const n = issues.length;
    const head = `${n} template${n === 1 ? '' : 's'} changed without a new version (the store keeps the definition each version was first used with; give the changed template a new version)`;
    super([`${head}:`, ...issues.map((i) => `  - ${formatIssue(i)}`)].join('\n'), 'template_redefined');
    this.issues = issues;
  }
}
