// The engine for a command that uses one template (run, submit): every template is loaded, but only the one the
// command names must be valid. Problems in the others are printed as warnings (one line each, with file:line) and
// those templates are left out — a template changed under a version the store holds a different definition of, too.
// Commands that serve every template (worker, serve, resume) and validate stay strict.
import { checkHandlers } from '../definition/handler-registry.js';
import { loadTemplates, type LoadedTemplate } from '../definition/template-loader.js';
import { formatIssue, TemplateValidationError, type ValidationIssue } from '../definition/validation-issue.js';
import { isTaskerError } from '../core/errors.js';
import type { Tasker, TaskerOptions } from '../engine/tasker.js';
import { redefinedTemplates } from '../engine/template-definitions.js';
import { TemplateRedefinedError } from '../definition/template-redefinition.js';
import { UsageError } from './cli-errors.js';
import { openEngine, type EngineFlags, type TemplateRef } from './engine-options.js';
import { templatePathsFrom } from './template-options.js';

interface Sorted {
  usable: LoadedTemplate[];
  /** Problems of the named template (any version): they stop the command. */
  own: ValidationIssue[];
  /** Problems of files that held no readable template (YAML syntax, unreadable, missing path). */
  unattributed: ValidationIssue[];
  /** Problems of other templates. */
  others: ValidationIssue[];
}

/** Handler problems count only for a process that runs steps; each template with a problem is left out. */
function sortIssues(
  tasker: Tasker,
  target: TemplateRef,
  loaded: LoadedTemplate[],
  issues: ValidationIssue[],
  runsSteps: boolean,
): Sorted {
  const all = [...issues];
  const usable: LoadedTemplate[] = [];
  const refused = new Set(issues.map((i) => i.template).filter((t) => t !== undefined));
  for (const l of loaded) {
    const label = `${l.template.namespace_name}/${l.template.name}`;
    const problems = runsSteps ? checkHandlers(l.template, tasker.handlers, l.source) : [];
    all.push(...problems);
    if (problems.length === 0 && !refused.has(label)) usable.push(l);
  }
  const own = `${target.namespace}/${target.name}`;
  return {
    usable,
    own: all.filter((i) => i.template === own),
    unattributed: all.filter((i) => i.template === undefined),
    others: all.filter((i) => i.template !== undefined && i.template !== own),
  };
}

export async function openEngineFor(
  target: TemplateRef,
  flags: EngineFlags,
  extra: Partial<TaskerOptions> = {},
): Promise<Tasker> {
  const runsSteps = extra.start !== false;
  const paths = templatePathsFrom(flags);
  const loaded = paths.length
    ? await loadTemplates(paths, flags.env !== undefined ? { env: flags.env } : {})
    : { templates: [], issues: [] };
  // A command that runs no steps (submit, signal) sends a statement or two: it readies no connection unless told to.
  const warm = !runsSteps && flags.warmConnections === undefined ? { warmConnections: 0 } : {};
  const tasker = await openEngine(flags, { ...warm, ...extra, templates: [], start: false });
  try {
    const sorted = sortIssues(tasker, target, loaded.templates, loaded.issues, runsSteps);
    const ref = `${target.namespace}/${target.name}`;
    if (sorted.own.length) throw new TemplateValidationError(sorted.own, `template ${ref}`);
    const redefined = flags.allowRedefine === true ? [] : await redefinedTemplates(tasker.store, sorted.usable);
    const own = redefined.filter((r) => `${r.loaded.template.namespace_name}/${r.loaded.template.name}` === ref);
    if (own.length) throw new TemplateRedefinedError(own.map((r) => r.issue));
    for (const r of redefined) sorted.others.push(r.issue);
    for (const l of sorted.usable.filter((u) => !redefined.some((r) => r.loaded === u))) {
      try {
        tasker.registerTemplate(l.template, l.source);
      } catch (err) {
        if (!isTaskerError(err)) throw err;
        sorted.others.push({
          code: err.code,
          message: err.message,
          ...(l.source.file !== undefined ? { file: l.source.file } : {}),
        });
      }
    }
    const found = tasker.templates.get(target.namespace, target.name, target.version) !== undefined;
    if (!found && sorted.unattributed.length) {
      const n = sorted.unattributed.length;
      throw new UsageError(
        `unknown template ${ref}${target.version ? `@${target.version}` : ''}; ${n} template file problem${n === 1 ? '' : 's'} kept some templates from loading:`,
        sorted.unattributed.map(formatIssue),
      );
    }
    for (const issue of [...sorted.unattributed, ...sorted.others])
      process.stderr.write(`tasker: warning: ${formatIssue(issue)}\n`);
    if (runsSteps) await tasker.start();
    return tasker;
  } catch (err) {
    await tasker.close();
    throw err;
  }
}
