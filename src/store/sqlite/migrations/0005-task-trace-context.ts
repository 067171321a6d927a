// SQLite migration 5, frozen: the trace context of a task's submission (issue 12), so every step of the task, after
// any restart, joins the submitter's trace. tasks.trace_context holds the W3C `traceparent` (and `tracestate`) of the
// `tasker.submit` span as JSON text; NULL when the submitter traced nothing. A column only: older code keeps working
// on the upgraded file.
//
// Shipped SQL: never edit it (databases already ran it); a change is a new numbered migration.

export const migration0005 = `
      ALTER TABLE tasks ADD COLUMN trace_context TEXT;
    `;
