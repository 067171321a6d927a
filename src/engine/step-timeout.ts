// Which timeout applies to a step attempt, and how a timeout explains itself. Every attempt has one, so a handler
// that never settles cannot hold a worker slot for ever: the step's own `timeout` (template or task-handler hook),
// else its template's `default_step_timeout`, else the worker's `stepTimeoutMs`, else 15 minutes. There is no way
// to turn it off; a step that needs longer sets a longer `timeout` (up to MAX_TIMEOUT_MS, about 24.8 days).
import { MAX_TIMEOUT_MS } from '../definition/model.js';
import { TASKER_DEFAULTS } from '../core/defaults.js';

export const DEFAULT_STEP_TIMEOUT_MS = TASKER_DEFAULTS.stepTimeoutMs;

export type TimeoutSource = 'step' | 'template' | 'worker' | 'default';

export interface StepTimeout {
  ms: number;
  source: TimeoutSource;
}

/** The timeout of one attempt: `stepMs` is the step row's own (null when it has none). */
export function effectiveStepTimeout(
  stepMs: number | null,
  templateDefault: number | undefined,
  workerDefault: number | undefined,
): StepTimeout {
  // A row may hold more than a timer can wait (a hook's value, an older row): wait as long as a timer can.
  if (stepMs !== null && stepMs > 0) return { ms: Math.min(stepMs, MAX_TIMEOUT_MS), source: 'step' };
  if (templateDefault !== undefined) return { ms: templateDefault, source: 'template' };
  if (workerDefault !== undefined) return { ms: workerDefault, source: 'worker' };
  return { ms: DEFAULT_STEP_TIMEOUT_MS, source: 'default' };
}

/** Which limit applied and where to change it, for the StepTimeoutError message. */
export function describeTimeout(
  t: StepTimeout,
  step: { name: string; templateTimeout: number | undefined },
  templateKey: string,
): string {
  switch (t.source) {
    case 'step':
      return t.ms === step.templateTimeout
        ? `the timeout of step '${step.name}' in ${templateKey}`
        : `the step's timeout, set by the task handler's establishStepDependenciesAndDefaults`;
    case 'template':
      return `the default_step_timeout of ${templateKey}; set timeout on the step to change it for this step`;
    case 'worker':
      return "this worker's step timeout (--step-timeout, $TASKER_STEP_TIMEOUT_MS or stepTimeoutMs); set timeout on the step or default_step_timeout on the template";
    case 'default':
      return 'the default step timeout of 15 minutes; set timeout on the step, default_step_timeout on the template, or --step-timeout / stepTimeoutMs for the worker';
  }
}
