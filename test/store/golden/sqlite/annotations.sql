-- insertAnnotation
INSERT INTO annotations (task_id, annotation_type, content, created_at) VALUES (?, ?, ?, ?);

-- annotationsOfTask
SELECT annotation_type, content, created_at FROM annotations WHERE task_id = ? ORDER BY id;
