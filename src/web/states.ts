// State names as the API spells them, and how the dashboard labels them (colours live in styles.css, keyed by
// the `state-<name>` class and the data-state attribute).
export const TASK_STATES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'resolved_manually'] as const;

export const STEP_STATES = [
  'pending',
  'running',
  'retrying',
  'completed',
  'failed',
  'skipped',
  'cancelled',
  'resolved_manually',
] as const;

export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ');
}

/** Step states that satisfy dependents (the DAG moves on past them). */
export const SATISFYING = new Set(['completed', 'skipped', 'resolved_manually']);
