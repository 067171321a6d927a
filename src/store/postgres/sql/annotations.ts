// addAnnotation, and the annotations of a deferred planning hook (apply-plan.ts).
import { statement } from './statement.js';

/** An annotation of task $1: type $2, content $3 (jsonb). Row: annotation_id; none when the task does not exist. */
export const insertAnnotation = statement(
  'insert_annotation',
  (n) => `INSERT INTO ${n.q}.annotations (task_id, annotation_type, content, created_at)
       SELECT task_id, $2, $3::jsonb, date_trunc('milliseconds', now()) FROM ${n.q}.tasks WHERE task_id = $1
       RETURNING annotation_id`,
);
