-- 1: initial tables

-- statement 1 of 18
CREATE TABLE "tasker".tasks (
      task_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      namespace text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      state text NOT NULL CHECK (state IN ('pending','running','completed','failed','cancelled','resolved_manually')),
      context jsonb,
      initiator text,
      source_system text,
      reason text,
      tags text[] NOT NULL DEFAULT '{}',
      idempotency_key text UNIQUE,
      correlation_id text NOT NULL,
      step_count integer NOT NULL,
      open_steps integer NOT NULL CHECK (open_steps >= 0),
      satisfied_steps integer NOT NULL CHECK (satisfied_steps >= 0),
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      started_at timestamptz,
      completed_at timestamptz
    );

-- statement 2 of 18
CREATE INDEX tasks_created_idx ON "tasker".tasks (created_at, task_id);

-- statement 3 of 18
CREATE INDEX tasks_completed_idx ON "tasker".tasks ((COALESCE(completed_at, 'infinity'::timestamptz)), task_id);

-- statement 4 of 18
CREATE INDEX tasks_state_idx ON "tasker".tasks (state, created_at);

-- statement 5 of 18
CREATE INDEX tasks_template_idx ON "tasker".tasks (namespace, name, version);

-- statement 6 of 18
CREATE INDEX tasks_unfinished_idx ON "tasker".tasks (created_at, task_id) WHERE state IN ('pending', 'running');

-- statement 7 of 18
CREATE TABLE "tasker".steps (
      step_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES "tasker".tasks (task_id) ON DELETE CASCADE,
      name text NOT NULL,
      handler_class text NOT NULL,
      depends_on text[] NOT NULL DEFAULT '{}',
      state text NOT NULL CHECK (state IN ('pending','running','retrying','completed','failed','skipped','cancelled','resolved_manually')),
      unmet integer NOT NULL CHECK (unmet >= 0),
      attempts integer NOT NULL DEFAULT 0,
      retry_limit integer NOT NULL,
      retryable boolean NOT NULL,
      timeout_ms integer,
      skippable boolean NOT NULL,
      results jsonb,
      error jsonb,
      ready_at timestamptz,
      locked_by text,
      lease_expires_at timestamptz,
      started_at timestamptz,
      completed_at timestamptz,
      duration_ms integer,
      UNIQUE (task_id, name),
      CHECK (ready_at IS NULL OR state IN ('pending', 'retrying'))
    );

-- statement 8 of 18
CREATE INDEX steps_claimable_idx ON "tasker".steps (ready_at, step_id) WHERE ready_at IS NOT NULL;

-- statement 9 of 18
CREATE INDEX steps_running_lease_idx ON "tasker".steps (lease_expires_at) WHERE state = 'running';

-- statement 10 of 18
CREATE INDEX steps_running_worker_idx ON "tasker".steps (locked_by) WHERE state = 'running';

-- statement 11 of 18
CREATE TABLE "tasker".step_edges (
      parent_step_id bigint NOT NULL REFERENCES "tasker".steps (step_id) ON DELETE CASCADE,
      child_step_id bigint NOT NULL REFERENCES "tasker".steps (step_id) ON DELETE CASCADE,
      PRIMARY KEY (parent_step_id, child_step_id)
    );

-- statement 12 of 18
CREATE INDEX step_edges_child_idx ON "tasker".step_edges (child_step_id);

-- statement 13 of 18
CREATE TABLE "tasker".transitions (
      transition_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      -- no foreign keys: every claim and completion writes here, and FK checks would take KEY SHARE locks on the
      -- task rows that completions lock; the store only ever writes ids it has just read or written
      task_id bigint NOT NULL,
      step_id bigint,
      from_state text,
      to_state text NOT NULL,
      at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      reason text,
      attempt integer,
      actor text,
      error jsonb
    );

-- statement 14 of 18
CREATE INDEX transitions_task_idx ON "tasker".transitions (task_id, transition_id);

-- statement 15 of 18
CREATE INDEX transitions_step_idx ON "tasker".transitions (step_id, transition_id) WHERE step_id IS NOT NULL;

-- statement 16 of 18
CREATE TABLE "tasker".annotations (
      annotation_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES "tasker".tasks (task_id) ON DELETE CASCADE,
      annotation_type text NOT NULL,
      content jsonb,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    );

-- statement 17 of 18
CREATE INDEX annotations_task_idx ON "tasker".annotations (task_id, annotation_id);

-- statement 18 of 18
CREATE TABLE "tasker".workers (
      worker_id text PRIMARY KEY,
      hostname text NOT NULL,
      pid integer NOT NULL,
      namespaces text[],
      started_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      last_seen_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    );
