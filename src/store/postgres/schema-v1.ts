// Migration 1: the tables of the PostgreSQL store. Readiness is explicit: `steps.ready_at` is set exactly while a
// step is claimable (pending with no unmet parents, or retrying), so one partial index serves every claim.
// Times are timestamptz truncated to milliseconds (the contract speaks epoch ms).
import type { SchemaNames } from './sql.js';

const STEP_STATES = `'pending','running','retrying','completed','failed','skipped','cancelled','resolved_manually'`;
const TASK_STATES = `'pending','running','completed','failed','cancelled','resolved_manually'`;

export function schemaV1(n: SchemaNames): string[] {
  return [
    `CREATE TABLE ${n.tasks} (
      task_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      namespace text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      state text NOT NULL CHECK (state IN (${TASK_STATES})),
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
    )`,
    `CREATE INDEX tasks_created_idx ON ${n.tasks} (created_at, task_id)`,
    `CREATE INDEX tasks_completed_idx ON ${n.tasks} ((COALESCE(completed_at, 'infinity'::timestamptz)), task_id)`,
    `CREATE INDEX tasks_state_idx ON ${n.tasks} (state, created_at)`,
    `CREATE INDEX tasks_template_idx ON ${n.tasks} (namespace, name, version)`,
    `CREATE INDEX tasks_unfinished_idx ON ${n.tasks} (created_at, task_id) WHERE state IN ('pending', 'running')`,

    `CREATE TABLE ${n.steps} (
      step_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES ${n.tasks} (task_id) ON DELETE CASCADE,
      name text NOT NULL,
      handler_class text NOT NULL,
      depends_on text[] NOT NULL DEFAULT '{}',
      state text NOT NULL CHECK (state IN (${STEP_STATES})),
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
    )`,
    // Claimable steps only: the claim scans this index in ready_at order and stops at LIMIT.
    `CREATE INDEX steps_claimable_idx ON ${n.steps} (ready_at, step_id) WHERE ready_at IS NOT NULL`,
    // Running steps only: expired-lease reclaims and per-worker reclaims.
    `CREATE INDEX steps_running_lease_idx ON ${n.steps} (lease_expires_at) WHERE state = 'running'`,
    `CREATE INDEX steps_running_worker_idx ON ${n.steps} (locked_by) WHERE state = 'running'`,

    `CREATE TABLE ${n.edges} (
      parent_step_id bigint NOT NULL REFERENCES ${n.steps} (step_id) ON DELETE CASCADE,
      child_step_id bigint NOT NULL REFERENCES ${n.steps} (step_id) ON DELETE CASCADE,
      PRIMARY KEY (parent_step_id, child_step_id)
    )`,
    `CREATE INDEX step_edges_child_idx ON ${n.edges} (child_step_id)`,

    `CREATE TABLE ${n.transitions} (
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
    )`,
    `CREATE INDEX transitions_task_idx ON ${n.transitions} (task_id, transition_id)`,
    `CREATE INDEX transitions_step_idx ON ${n.transitions} (step_id, transition_id) WHERE step_id IS NOT NULL`,

    `CREATE TABLE ${n.annotations} (
      annotation_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      task_id bigint NOT NULL REFERENCES ${n.tasks} (task_id) ON DELETE CASCADE,
      annotation_type text NOT NULL,
      content jsonb,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    )`,
    `CREATE INDEX annotations_task_idx ON ${n.annotations} (task_id, annotation_id)`,

    `CREATE TABLE ${n.workers} (
      worker_id text PRIMARY KEY,
      hostname text NOT NULL,
      pid integer NOT NULL,
      namespaces text[],
      started_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      last_seen_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    )`,
  ];
}
