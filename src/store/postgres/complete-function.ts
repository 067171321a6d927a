// The call of the PostgreSQL completion function: one plpgsql function per schema (installed by a migration:
// migrations/0003-planning-capabilities.ts holds the current `complete_steps_v2`) that applies a batch of step
// outcomes, prunes routed-away steps, releases children, applies the task counters, finalises finished tasks exactly
// once, claims more steps and NOTIFYs — the whole completion transaction in one round trip, in its own implicit
// transaction. The function is versioned in its name: a change to it is a new migration with a new name, so workers
// of the old and the new release can share one database while a deploy rolls.
import type { SchemaNames } from './sql.js';

export const COMPLETE_FUNCTION = 'complete_steps_v2';

/** The parameter types of the function, in order; the call statement passes them as $1…$N. */
const PARAM_TYPES = [
  'bigint[]', // p_step_ids
  'bigint[]', // p_task_ids
  'integer[]', // p_attempts
  'text[]', // p_kinds
  'jsonb[]', // p_results
  'jsonb[]', // p_errors
  'float8[]', // p_delays
  'integer[]', // p_ord
  'text', // p_worker
  'bigint[]', // p_prune_task
  'text[]', // p_prune_name
  'bigint[]', // p_prune_by
  'integer[]', // p_prune_attempt
  'integer[]', // p_prune_ord
  'integer', // p_claim_limit
  'integer', // p_lease_ms
  'text[]', // p_namespaces
  'text[]', // p_templates
] as const;

/** `SELECT schema.complete_steps_v2($1, …)`: the one statement of a completion. */
export function completeStepsCall(n: SchemaNames): string {
  return `SELECT ${n.q}.${COMPLETE_FUNCTION}(${PARAM_TYPES.map((type, i) => `$${i + 1}::${type}`).join(', ')}) AS r`;
}
