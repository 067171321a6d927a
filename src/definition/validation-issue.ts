// One problem found in a task template (where it is, which step and key, what is wrong), how it is printed,
// and the error thrown when a template cannot be accepted because of such problems.
import { TaskerError } from '../core/errors.js';

export interface ValidationIssue {
  /** Stable machine-readable kind, e.g. `unknown_key`, `cycle`, `yaml_syntax`. */
  code: string;
  message: string;
  file?: string;
  /** 1-based. */
  line?: number;
  /** 1-based. */
  column?: number;
  /** `namespace/name` of the template, when known. */
  template?: string;
  step?: string;
  key?: string;
}

/** `file:line:col: namespace/name: step 'x': key 'y': message` — each part only when known. */
export function formatIssue(issue: ValidationIssue): string {
  const parts: string[] = [];
  if (issue.file !== undefined) {
    let where = issue.file;
    if (issue.line !== undefined) {
      where += `:${issue.line}`;
      if (issue.column !== undefined) where += `:${issue.column}`;
    }
    parts.push(where);
  } else if (issue.line !== undefined) {
    parts.push(issue.column !== undefined ? `line ${issue.line}:${issue.column}` : `line ${issue.line}`);
  }
  if (issue.template !== undefined) parts.push(issue.template);
  if (issue.step !== undefined) parts.push(`step '${issue.step}'`);
  if (issue.key !== undefined) parts.push(`key '${issue.key}'`);
  parts.push(issue.message);
  return parts.join(': ');
}

/**
 * A template was rejected. `issues` lists every problem found, not just the first; the message already lists them,
 * so `details` is left empty (the CLI would otherwise print them twice).
 */
export class TemplateValidationError extends TaskerError {
  override name = 'TemplateValidationError';
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], subject?: string) {
    const count = issues.length;
    const problems = `${count} problem${count === 1 ? '' : 's'}`;
    const head =
      subject !== undefined ? `${subject} is invalid (${problems})` : `template validation failed (${problems})`;
    super([`${head}:`, ...issues.map((i) => `  - ${formatIssue(i)}`)].join('\n'), 'template_invalid');
    this.issues = issues;
  }
}
