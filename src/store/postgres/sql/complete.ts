// completeSteps: one call of the completion function `complete_steps_v7` (installed by migration 16,
// ../migrations/0016-one-outcome-completion.ts), which applies a batch of step outcomes, prunes routed-away steps,
// releases children (none claimable in a paused task), applies the task counters, finalises finished tasks exactly
// once, reconciles the concurrency slots of gated tasks, claims more steps (by priority, then ready time) and NOTIFYs:
// the whole completion transaction in one round trip. The function is versioned in its name: a change to it
// is a new migration with a new name, so workers of the old and the new release can share one database.
// Parameters (one array entry per outcome, in step-id order, for $1-$8): $1 step ids, $2 task ids, $3 attempts,
// $4 kinds (completed, retry, failed, released), $5 results (jsonb), $6 errors (jsonb), $7 retry delays in ms,
// $8 the caller's order; $9 the worker; prunes (one entry per routed-away step): $10 task, $11 step name, $12 pruning
// step, $13 its attempt, $14 order; the claim that follows: $15 limit (NULL = none), $16 lease in ms,
// $17 namespaces, $18 template keys (NULL = any).
// Row: `r`, the function's JSON reply (../complete.ts, CompletionReply).
import { statement } from './statement.js';

export const completeSteps = statement(
  'complete_steps',
  (n) => `SELECT ${n.q}.complete_steps_v7(
    $1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::integer[],
    $9::text,
    $10::bigint[], $11::text[], $12::bigint[], $13::integer[], $14::integer[],
    $15::integer, $16::integer, $17::text[], $18::text[]) AS r`,
);
