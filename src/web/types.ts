// The API's JSON shapes as the dashboard reads them (see docs/api.md); fields of newer servers are optional.
export interface StepError {
  message: string;
  class: string;
  code: string | null;
  backtrace?: string | null;
}

export interface Step {
  workflow_step_id: number;
  name: string;
  current_state: string;
  depends_on: string[];
  attempts: number;
  retry_limit: number;
  retryable: boolean;
  results: unknown;
  error: StepError | null;
  started_at: string | null;
  completed_at: string | null;
  duration_ms: number | null;
  waiting_for: string | null;
}

export interface Attempt {
  attempt: number | null;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
  error: StepError | null;
  worker: string | null;
}

export interface Transition {
  from_state: string | null;
  to_state: string;
  at: string;
  reason: string | null;
  attempt: number | null;
  actor: string | null;
}

export interface StepDetail extends Step {
  task_id: number;
  attempt_history: Attempt[];
  history: Transition[];
  inputs?: unknown;
}

export interface TaskSummary {
  task_id: number;
  namespace: string;
  name: string;
  version: string;
  current_state: string;
  initiator: string | null;
  source_system: string | null;
  reason: string | null;
  tags: string[];
  idempotency_key: string | null;
  correlation_id: string;
  created_at: string;
  completed_at: string | null;
  run?: number;
  /** Flow control (absent on an older server): claim priority, delayed start, why it waits, whether it is paused. */
  priority?: number;
  run_at?: string | null;
  waiting_for?: string | null;
  paused?: boolean;
}

export interface Task extends TaskSummary {
  /** The tick of the cron schedule that created the task (or when it was triggered); absent on an older server. */
  scheduled_for?: string | null;
  planned: boolean;
  context: unknown;
  annotations: Array<{ annotation_type: string; content: unknown; created_at: string }>;
  workflow_steps: Step[];
}

export interface TaskPage {
  tasks: TaskSummary[];
  next_cursor: string | null;
}

/** One row of GET /tasks/{id}/history, or one built from the steps' own histories on an older server. */
export interface HistoryRow {
  id?: number;
  at: string;
  run?: number;
  workflow_step_id: number | null;
  step: string | null;
  from_state: string | null;
  to_state: string;
  attempt: number | null;
  actor: string | null;
  reason: string | null;
  error?: StepError | null;
}

export interface Worker {
  worker_id: string;
  host?: string;
  pid?: number;
  last_heartbeat_at: string;
  alive?: boolean;
}

/** GET /stats, or the subset /health/status gives on an older server (`partial`). */
export interface Overview {
  tasks: Record<string, number>;
  steps: Record<string, number>;
  last_hour?: { completed: number; failed: number; retried: number };
  last_day?: { completed: number; failed: number; retried: number };
  ready_steps: number;
  oldest_ready_age_seconds?: number | null;
  workers: Worker[];
  failing_templates?: Array<{ namespace: string; name: string; version: string; failed: number }>;
  generated_at?: string;
  partial: boolean;
}

export interface WhoAmI {
  auth: boolean;
  name: string | null;
  actor: string | null;
  scopes: string[];
}

export interface StepTemplate {
  name: string;
  description: string | null;
  dependent_system: string | null;
  handler_class: string | null;
  handler_config: unknown;
  depends_on: string[];
  default_retryable: boolean;
  default_retry_limit: number;
  skippable: boolean;
  timeout_ms: number | null;
  retry: unknown;
}

export interface TemplateDetail {
  namespace: string;
  name: string;
  version: string;
  versions: string[];
  description: string | null;
  task_handler_class: string | null;
  context_schema: unknown;
  step_templates: StepTemplate[];
  dependency_graph: { nodes: string[]; edges: Array<{ from: string; to: string }>; levels: string[][] };
}

/** One row of GET /schedules: a cron schedule of a template, its state, last and next tick. */
export interface Schedule {
  namespace: string;
  /** The template's name. */
  name: string;
  /** The schedule's name within the template. */
  schedule: string;
  version: string;
  declared: boolean;
  cron: string;
  timezone: string;
  catch_up: string;
  enabled: boolean;
  context: unknown;
  paused: boolean;
  paused_at: string | null;
  paused_by: string | null;
  resumed_at: string | null;
  last_tick_at: string | null;
  last_task_id: number | null;
  next_tick_at: string | null;
}

/** One row of GET /paused: a paused template, or a whole namespace (name null). */
export interface PausedTarget {
  namespace: string;
  name: string | null;
  paused_at: string;
  actor: string | null;
  reason: string | null;
}

/** One row of GET /concurrency: a slot group of a concurrency limit. */
export interface ConcurrencyGroup {
  key: string;
  limit: number;
  running: number;
  waiting: number;
}

/** One row of GET /rate-limits: a named token bucket limit. */
export interface RateLimit {
  name: string;
  limit: number;
  period_ms: number;
  burst: number;
  source: 'template' | 'operator';
  updated_at: string;
  buckets: number;
  waiting: number;
}
