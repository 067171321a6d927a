-- insertAnnotation (tasker_insert_annotation)
INSERT INTO "tasker".annotations (task_id, annotation_type, content, created_at)
       SELECT task_id, $2, $3::jsonb, date_trunc('milliseconds', now()) FROM "tasker".tasks WHERE task_id = $1
       RETURNING annotation_id;
