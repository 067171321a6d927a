// Cycles between templates through their sub-workflow steps: `a` runs `b` as a subtask and `b` runs `a` would nest
// without end, so it is a validation error (by namespace/name: any version of a template may be the one that runs).
// Checked over the templates a process loads (Tasker start, `tasker validate`), each cycle reported once, at the
// step that closes it.
import type { TaskTemplate, TemplateSource } from './model.js';
import type { ValidationIssue } from './validation-issue.js';

interface Edge {
  to: string;
  step: string;
  source: TemplateSource;
}

export function checkSubtaskCycles(
  templates: ReadonlyArray<{ template: TaskTemplate; source?: TemplateSource }>,
): ValidationIssue[] {
  const edges = new Map<string, Edge[]>();
  for (const { template, source } of templates) {
    const from = `${template.namespace_name}/${template.name}`;
    for (const st of template.step_templates) {
      if (!st.subtask) continue;
      const list = edges.get(from) ?? [];
      list.push({ to: `${st.subtask.namespace}/${st.subtask.name}`, step: st.name, source: source ?? {} });
      edges.set(from, list);
    }
  }
  const issues: ValidationIssue[] = [];
  const reported = new Set<string>();
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    path.push(node);
    for (const e of edges.get(node) ?? []) {
      if (state.get(e.to) === 'open') {
        const cycle = [...path.slice(path.indexOf(e.to)), e.to];
        const id = [...cycle].slice(0, -1).sort().join(' ');
        if (!reported.has(id)) {
          reported.add(id);
          const issue: ValidationIssue = {
            code: 'subtask_cycle',
            message: `sub-workflow cycle: ${cycle.join(' -> ')} (each would run the next as a subtask without end)`,
            template: node,
            step: e.step,
            key: 'subtask',
          };
          if (e.source.file !== undefined) issue.file = e.source.file;
          const pos = e.source.stepPositions?.[e.step];
          if (pos) {
            issue.line = pos.line;
            issue.column = pos.column;
          }
          issues.push(issue);
        }
      } else if (!state.has(e.to)) visit(e.to);
    }
    path.pop();
    state.set(node, 'done');
  };
  for (const node of edges.keys()) if (!state.has(node)) visit(node);
  return issues;
}
