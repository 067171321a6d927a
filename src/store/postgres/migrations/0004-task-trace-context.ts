// PostgreSQL migration 4, frozen: the trace context of a task's submission (issue 12), so every step of the task, on
// any worker and after any restart, joins the submitter's trace. tasks.trace_context holds the W3C `traceparent`
// (and `tracestate`) of the `tasker.submit` span as JSON text; NULL when the submitter traced nothing. A nullable
// column only: expand-only, older code keeps working on the upgraded schema.
//
// Shipped SQL: never edit it; a change is a new numbered migration. Only the schema name is substituted.
import type { SchemaNames } from '../sql.js';

export const migration0004 = (n: SchemaNames): string[] => [`ALTER TABLE ${n.q}.tasks ADD COLUMN trace_context text`];
