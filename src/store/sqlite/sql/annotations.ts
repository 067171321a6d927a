// Task annotations on SQLite: addAnnotation and a planning hook's annotations write them; getTask reads them.

/** Task id, type, content (JSON), created at. */
export const insertAnnotation =
  'INSERT INTO annotations (task_id, annotation_type, content, created_at) VALUES (?, ?, ?, ?)';

/** Annotations of task ?, oldest first. */
export const annotationsOfTask =
  'SELECT annotation_type, content, created_at FROM annotations WHERE task_id = ? ORDER BY id';
