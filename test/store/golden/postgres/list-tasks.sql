-- sort task_id asc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY t.task_id ASC LIMIT $1::integer;

-- sort task_id asc, after a cursor (2 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE t.task_id > $1::bigint ORDER BY t.task_id ASC LIMIT $2::integer;

-- sort task_id desc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY t.task_id DESC LIMIT $1::integer;

-- sort task_id desc, after a cursor (2 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE t.task_id < $1::bigint ORDER BY t.task_id DESC LIMIT $2::integer;

-- sort created_at asc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY t.created_at ASC, t.task_id ASC LIMIT $1::integer;

-- sort created_at asc, after a cursor (3 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (t.created_at, t.task_id) > ($1::timestamptz, $2::bigint) ORDER BY t.created_at ASC, t.task_id ASC LIMIT $3::integer;

-- sort created_at desc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY t.created_at DESC, t.task_id DESC LIMIT $1::integer;

-- sort created_at desc, after a cursor (3 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (t.created_at, t.task_id) < ($1::timestamptz, $2::bigint) ORDER BY t.created_at DESC, t.task_id DESC LIMIT $3::integer;

-- sort completed_at asc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY COALESCE(t.completed_at, 'infinity'::timestamptz) ASC, t.task_id ASC LIMIT $1::integer;

-- sort completed_at asc, after a cursor (3 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (COALESCE(t.completed_at, 'infinity'::timestamptz), t.task_id) > ($1::timestamptz, $2::bigint) ORDER BY COALESCE(t.completed_at, 'infinity'::timestamptz) ASC, t.task_id ASC LIMIT $3::integer;

-- sort completed_at desc (1 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t ORDER BY COALESCE(t.completed_at, 'infinity'::timestamptz) DESC, t.task_id DESC LIMIT $1::integer;

-- sort completed_at desc, after a cursor (3 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (COALESCE(t.completed_at, 'infinity'::timestamptz), t.task_id) < ($1::timestamptz, $2::bigint) ORDER BY COALESCE(t.completed_at, 'infinity'::timestamptz) DESC, t.task_id DESC LIMIT $3::integer;

-- every filter (7 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE t.namespace = $1::text AND t.name = $2::text AND t.version = $3::text AND t.state = ANY($4::text[]) AND t.created_at > to_timestamp($5::float8) AND t.created_at < to_timestamp($6::float8) ORDER BY t.created_at DESC, t.task_id DESC LIMIT $7::integer;

-- tags (2 parameters)
SELECT x.* FROM (SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused, t.created_at AS sort_key FROM "tasker".tasks t ORDER BY t.created_at DESC, t.task_id DESC LIMIT 10000) x WHERE x.tags @> $1::text[] ORDER BY x.sort_key DESC, x.task_id DESC LIMIT $2::integer;

-- tags, collect (2 parameters)
WITH x AS MATERIALIZED (SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused, t.created_at AS sort_key FROM "tasker".tasks t WHERE t.tags @> $1::text[] AND cardinality(t.tags) > 0) SELECT x.* FROM x ORDER BY x.sort_key DESC, x.task_id DESC LIMIT $2::integer;

-- q, text (3 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE ((t.correlation_id ~>=~ $1::text AND t.correlation_id ~<~ $2::text) OR (t.idempotency_key ~>=~ $1::text AND t.idempotency_key ~<~ $2::text)) ORDER BY t.created_at DESC, t.task_id DESC LIMIT $3::integer;

-- q, digits (4 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (t.task_id = $1::bigint OR (t.correlation_id ~>=~ $2::text AND t.correlation_id ~<~ $3::text) OR (t.idempotency_key ~>=~ $2::text AND t.idempotency_key ~<~ $3::text)) ORDER BY t.created_at DESC, t.task_id DESC LIMIT $4::integer;

-- q, no upper bound (2 parameters)
SELECT t.task_id, t.namespace, t.name, t.version, t.state, t.initiator, t.source_system,
    t.reason, t.tags, t.idempotency_key, t.correlation_id, t.step_count, t.open_steps, t.satisfied_steps,
    (round(extract(epoch from t.created_at) * 1000))::float8 AS created_at,
    (round(extract(epoch from t.started_at) * 1000))::float8 AS started_at,
    (round(extract(epoch from t.completed_at) * 1000))::float8 AS completed_at, t.run, t.priority,
    (round(extract(epoch from t.run_at) * 1000))::float8 AS run_at, t.waiting_for, t.paused FROM "tasker".tasks t WHERE (t.correlation_id ~>=~ $1::text OR t.idempotency_key ~>=~ $1::text) ORDER BY t.task_id ASC LIMIT $2::integer;
