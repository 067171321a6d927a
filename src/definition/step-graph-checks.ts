// Whole-template checks on the merged steps: duplicate names, dependencies on unknown steps, dependency cycles
// (named as `a -> b -> c -> a`) and `named_steps` membership.
import { findCycle } from './dag.js';
import { didYouMean } from './did-you-mean.js';
import type { IssueCollector } from './issue-collector.js';
import type { Path } from './source-locator.js';
import { dependencyRefs, type DependencyRef, type StepFields } from './step-fields.js';

/** Cycles reported per template at most; each found cycle is cut and the search repeated. */
const MAX_CYCLES_REPORTED = 10;

export function checkDuplicateSteps(c: IssueCollector, steps: readonly StepFields[]): void {
  const first = new Map<string, StepFields>();
  for (const s of steps) {
    if (s.name === undefined) continue;
    const earlier = first.get(s.name);
    if (earlier === undefined) {
      first.set(s.name, s);
      continue;
    }
    const line = c.lineOf(earlier.namePath);
    c.add(
      'duplicate_step',
      `duplicate step name '${s.name}'${line !== undefined ? ` (first defined at line ${line})` : ''}`,
      {
        path: s.namePath,
        step: s.name,
        key: 'name',
      },
    );
  }
}

export function checkDependencies(c: IssueCollector, steps: readonly StepFields[]): void {
  const names = new Set(steps.flatMap((s) => (s.name === undefined ? [] : [s.name])));
  for (const s of steps) {
    if (s.name === undefined) continue;
    for (const ref of dependencyRefs(s)) {
      if (names.has(ref.name)) continue;
      c.add(
        'unknown_dependency',
        `depends on '${ref.name}', which is not a step of this template${didYouMean(ref.name, names)}`,
        {
          path: ref.path,
          step: s.name,
          key: ref.key,
        },
      );
    }
  }
}

export function checkCycles(c: IssueCollector, steps: readonly StepFields[]): void {
  const work: Array<{ name: string; depends_on: string[]; refs: DependencyRef[] }> = [];
  const seen = new Set<string>();
  for (const s of steps) {
    if (s.name === undefined || seen.has(s.name)) continue;
    seen.add(s.name);
    const refs = dependencyRefs(s);
    work.push({ name: s.name, depends_on: refs.map((r) => r.name), refs });
  }
  const byName = new Map(work.map((w) => [w.name, w]));
  for (let i = 0; i < MAX_CYCLES_REPORTED; i++) {
    const cycle = findCycle(work);
    if (cycle === null) return;
    // cycle = [a, b, ..., x, a]: the closing edge x -> a means step a depends on x.
    const target = byName.get(cycle[0] as string);
    const closing = cycle[cycle.length - 2] as string;
    if (target === undefined) return;
    const ref = target.refs.find((r) => r.name === closing);
    c.add('cycle', `dependency cycle: ${cycle.join(' -> ')}`, {
      path: ref?.path ?? [],
      step: target.name,
      key: ref?.key ?? 'depends_on_step',
    });
    target.depends_on = target.depends_on.filter((d) => d !== closing);
  }
}

/**
 * Every step must be listed in named_steps, and every listed name must be a step. Dependencies are covered by
 * this too: a dependency on a step is checked with that step, and one on a non-step is an unknown dependency.
 */
export function checkNamedSteps(
  c: IssueCollector,
  steps: readonly StepFields[],
  named: ReadonlyArray<{ value: string; path: Path }>,
): void {
  const allowed = new Set(named.map((n) => n.value));
  const stepNames = new Set<string>();
  for (const s of steps) {
    if (s.name === undefined) continue;
    stepNames.add(s.name);
    if (!allowed.has(s.name)) {
      c.add('named_steps', `step '${s.name}' is not listed in named_steps${didYouMean(s.name, allowed)}`, {
        path: s.namePath,
        step: s.name,
        key: 'name',
      });
    }
  }
  for (const n of named) {
    if (stepNames.has(n.value)) continue;
    c.add(
      'named_steps',
      `named_steps lists '${n.value}', but no step template has that name${didYouMean(n.value, stepNames)}`,
      {
        path: n.path,
        key: 'named_steps',
      },
    );
  }
}
