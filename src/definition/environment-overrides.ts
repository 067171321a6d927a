// `environments.<env>.step_templates[]`: reading every environment's overrides (so typos are caught in all of them)
// and merging the active environment's overrides into the base steps by step name.
import { templateEnvironment } from '../core/environment.js';
import { didYouMean } from './did-you-mean.js';
import { isPlainObject, type IssueCollector, type RawObject } from './issue-collector.js';
import type { Path } from './source-locator.js';
import { mergeStepFields, readStepEntry, type StepFields } from './step-fields.js';
import { ENVIRONMENT_KEYS } from './template-keys.js';

/** The environment whose overrides apply: explicit, else TASKER_ENV, else NODE_ENV. */
export function resolveEnvironment(explicit?: string): string | undefined {
  return explicit !== undefined && explicit.trim() !== '' ? explicit : templateEnvironment();
}

/** Read `environments`; returns the override entries per environment name. */
export function readEnvironments(c: IssueCollector, raw: unknown, path: Path): Map<string, StepFields[]> {
  const out = new Map<string, StepFields[]>();
  if (raw === undefined || raw === null) return out;
  if (!isPlainObject(raw)) {
    c.wrongType('a mapping of environment names to overrides', raw, path, 'environments');
    return out;
  }
  for (const [env, block] of Object.entries(raw)) {
    const envPath = [...path, env];
    const overrides: StepFields[] = [];
    out.set(env, overrides);
    if (block === null || block === undefined) continue;
    if (!isPlainObject(block)) {
      c.wrongType('a mapping with step_templates', block, envPath, `environments.${env}`);
      continue;
    }
    c.unknownKeys(block as RawObject, ENVIRONMENT_KEYS, envPath, `environment '${env}'`);
    const steps = block['step_templates'];
    if (steps === undefined || steps === null) continue;
    const stepsPath = [...envPath, 'step_templates'];
    if (!Array.isArray(steps)) {
      c.wrongType('a list of step overrides', steps, stepsPath, `environments.${env}.step_templates`);
      continue;
    }
    steps.forEach((entry: unknown, i) => {
      const fields = readStepEntry(c, entry, [...stepsPath, i], `environment '${env}' step_templates[${i}]`);
      if (fields !== undefined) overrides.push(fields);
    });
  }
  return out;
}

/** Check every environment's overrides name real steps; merge the active environment's into `base` (in place). */
export function applyEnvironment(
  c: IssueCollector,
  base: StepFields[],
  environments: Map<string, StepFields[]>,
  active: string | undefined,
): boolean {
  const byName = new Map<string, number>();
  base.forEach((s, i) => {
    if (s.name !== undefined && !byName.has(s.name)) byName.set(s.name, i);
  });
  let applied = false;
  for (const [env, overrides] of environments) {
    for (const o of overrides) {
      if (o.name === undefined) continue;
      const index = byName.get(o.name);
      if (index === undefined) {
        c.add(
          'unknown_step',
          `environment '${env}' overrides step '${o.name}', which is not in step_templates${didYouMean(o.name, byName.keys())}`,
          {
            path: o.namePath,
            step: o.name,
            key: 'name',
          },
        );
        continue;
      }
      if (env === active) {
        base[index] = mergeStepFields(base[index] as StepFields, o);
        applied = true;
      }
    }
  }
  return applied;
}
