// Every fixed SQL statement of the SQLite store, prepared once when the store opens and reused for its lifetime.
import type { Database, Statement } from 'better-sqlite3';

const STEP_WRITE_CLEAR = 'ready_at = NULL, next_attempt_at = NULL, locked_by = NULL, lease_expires_at = NULL';
// CROSS JOIN fixes the join order: walk the ready index in order (no sort), then look up each step's task.
// claim.ts reads the rows (arrays) in this column order.
const CLAIM_SELECT = `
  SELECT s.step_id, s.task_id, s.name, s.handler_class, s.state, s.attempts, s.retry_limit, s.retryable,
         s.timeout_ms, t.namespace, t.name AS task_name, t.version, t.correlation_id, t.needs_plan
    FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
   WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND t.state = 'running'`;
/** The template key a worker's capabilities name: `namespace/name@version`. */
const TEMPLATE_KEY = "t.namespace || '/' || t.name || '@' || t.version";
/**
 * What each worker claiming through this connection can run, one row per template (claim.ts keeps it in step with
 * the claim's `templates`). A per-connection TEMP table: a claim probes its primary key per candidate (~0.04 µs),
 * where `IN (SELECT value FROM json_each(?))` cost ~2 µs per claim to set up plus the key concatenation per row.
 */
const CAN_RUN_TABLE = `CREATE TEMP TABLE IF NOT EXISTS tasker_can_run (
  worker_id TEXT NOT NULL, namespace TEXT NOT NULL, name TEXT NOT NULL, version TEXT NOT NULL,
  PRIMARY KEY (worker_id, namespace, name, version)) WITHOUT ROWID`;
const CAN_RUN = `EXISTS (SELECT 1 FROM temp.tasker_can_run c WHERE c.worker_id = ? AND c.namespace = t.namespace
                   AND c.name = t.name AND c.version = t.version)`;
/** A worker counts as live while it was seen within its lease (30 s when it did not say). */
const LIVE_WORKER = 'w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)';
/** Some live worker can run task t's template (a worker without capabilities runs anything). */
const RUNNABLE = `EXISTS (SELECT 1 FROM workers w WHERE ${LIVE_WORKER} AND (w.capabilities IS NULL OR
                    EXISTS (SELECT 1 FROM json_each(w.capabilities) c WHERE c.value = ${TEMPLATE_KEY})))`;

const SQL = {
  // tasks
  findTaskByKey: 'SELECT task_id FROM tasks WHERE idempotency_key = ?',
  /** Positional (named binding of 15 parameters costs more on every created task). */
  insertTask: `
    INSERT INTO tasks (namespace, name, version, state, context, initiator, source_system, reason, tags,
                       idempotency_key, correlation_id, created_at, step_count, open_steps, satisfied_steps, needs_plan)
    VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  taskRow: `
    SELECT task_id, namespace, name, version, state, initiator, source_system, reason, tags, idempotency_key,
           correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps, needs_plan
      FROM tasks WHERE task_id = ?`,
  /** Whether some live worker can run the template of task $2 ($1: now). */
  taskRunnable: `SELECT ${RUNNABLE} AS ok FROM tasks t WHERE t.task_id = ?`,
  markPlanned: 'UPDATE tasks SET needs_plan = 0 WHERE task_id = ? AND needs_plan = 1',
  /** The planning hook's settings for a step that has not run yet. */
  planStep: `UPDATE steps SET retry_limit = ?, retryable = ?, timeout_ms = ? WHERE task_id = ? AND name = ?
               AND (state = 'pending' OR state = 'running')`,
  taskContext: 'SELECT context, initiator, source_system, reason, tags FROM tasks WHERE task_id = ?',
  adjustCounters:
    'UPDATE tasks SET open_steps = open_steps + ?, satisfied_steps = satisfied_steps + ? WHERE task_id = ?',
  adjustCountersReturning: `UPDATE tasks SET open_steps = open_steps + ?, satisfied_steps = satisfied_steps + ?
                             WHERE task_id = ? RETURNING state, open_steps`,
  /**
   * adjustCountersReturning for many tasks ($1: JSON array of [task_id, open delta, satisfied delta]), returning the
   * columns finalisation needs (rows are arrays, see RAW_ROWS).
   */
  adjustCountersMany: `
    UPDATE tasks SET open_steps = open_steps + (j.value ->> 1), satisfied_steps = satisfied_steps + (j.value ->> 2)
      FROM json_each(?) j WHERE tasks.task_id = j.value ->> 0
    RETURNING tasks.task_id, state, open_steps, satisfied_steps, step_count, namespace, name, version, correlation_id,
              created_at, started_at`,
  taskOpenState: 'SELECT state, open_steps FROM tasks WHERE task_id = ?',
  setTaskState: 'UPDATE tasks SET state = ?, completed_at = ? WHERE task_id = ?',
  closeTask: 'UPDATE tasks SET state = ?, completed_at = ?, open_steps = 0 WHERE task_id = ?',
  markTaskStarted: 'UPDATE tasks SET started_at = ? WHERE task_id = ? AND started_at IS NULL',
  markTasksStarted: `UPDATE tasks SET started_at = ? WHERE task_id IN (SELECT value FROM json_each(?)) AND started_at IS NULL
                     RETURNING task_id`,
  unfinishedTaskIds: "SELECT task_id FROM tasks WHERE state IN ('pending', 'running') ORDER BY task_id LIMIT ?",

  // steps
  insertStep: `
    INSERT INTO steps (task_id, name, handler_class, state, depends_on, unmet, retry_limit, retryable, timeout_ms,
                       skippable, ready_at, completed_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  insertEdge: 'INSERT INTO step_edges (parent_step_id, child_step_id) VALUES (?, ?)',
  step: 'SELECT * FROM steps WHERE step_id = ?',
  stepByName: 'SELECT * FROM steps WHERE task_id = ? AND name = ?',
  stepsOfTask: 'SELECT * FROM steps WHERE task_id = ? ORDER BY step_id',
  stepsOfTaskIn: 'SELECT * FROM steps WHERE task_id = ? AND state IN (SELECT value FROM json_each(?)) ORDER BY step_id',
  claimStep: `
    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id = ?`,
  /** claimStep for many steps at once ($3: JSON array of step ids). */
  claimSteps: `
    UPDATE steps SET state = 'running', attempts = attempts + 1, locked_by = ?, lease_expires_at = ?, started_at = ?,
                     ready_at = NULL, next_attempt_at = NULL, completed_at = NULL, duration_ms = NULL
     WHERE step_id IN (SELECT value FROM json_each(?))`,
  completeStep: `UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?, duration_ms = ?,
                 ${STEP_WRITE_CLEAR} WHERE step_id = ?`,
  /**
   * The hot completion, only where the caller still holds the step (else nothing changes: stale). Positional
   * parameters ($1 results, $2 and $3 now, $4 step, $5 task, $6 worker, $7 attempt): named binding costs ~0.5 us more.
   */
  completeHeld: `UPDATE steps SET state = 'completed', results = ?, error = NULL, completed_at = ?,
                 duration_ms = CASE WHEN started_at IS NULL THEN NULL ELSE max(0, ? - started_at) END,
                 ${STEP_WRITE_CLEAR}
                 WHERE step_id = ? AND task_id = ? AND state = 'running' AND locked_by = ? AND attempts = ?`,
  retryStep: `UPDATE steps SET state = 'retrying', error = ?, ready_at = ?, next_attempt_at = ?, duration_ms = ?,
              locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`,
  failStep: `UPDATE steps SET state = 'failed', error = ?, completed_at = ?, duration_ms = ?, ${STEP_WRITE_CLEAR}
              WHERE step_id = ?`,
  releaseStep: `UPDATE steps SET state = ?, attempts = attempts - 1, ready_at = ?, next_attempt_at = ?,
                locked_by = NULL, lease_expires_at = NULL WHERE step_id = ?`,
  /** skipped / resolved_manually / cancelled: a final state with optional results. */
  closeStep: `UPDATE steps SET state = ?, results = ?, completed_at = ?, ${STEP_WRITE_CLEAR} WHERE step_id = ?`,
  reopenStep: `UPDATE steps SET state = 'pending', attempts = 0, ready_at = ?, next_attempt_at = NULL,
                completed_at = NULL, duration_ms = NULL WHERE step_id = ?`,
  /**
   * One parent satisfied: each child's unmet drops by one; a pending child reaching 0 becomes claimable. Rows are
   * arrays [task_id, unmet, state] (RAW_ROWS), like satisfyChildrenOf's.
   */
  satisfyChildren: `
    UPDATE steps SET unmet = unmet - 1,
                     ready_at = CASE WHEN unmet = 1 AND state = 'pending' THEN ? ELSE ready_at END
      FROM step_edges e
     WHERE e.parent_step_id = ? AND steps.step_id = e.child_step_id
    RETURNING steps.task_id, steps.unmet, steps.state`,
  extendLease: "UPDATE steps SET lease_expires_at = ? WHERE step_id = ? AND state = 'running' AND locked_by = ?",
  expiredSteps: `SELECT * FROM steps WHERE state = 'running' AND lease_expires_at < ? AND locked_by IS NOT ?
                  ORDER BY lease_expires_at, step_id LIMIT ?`,
  workerRow: 'SELECT worker_id, hostname, pid FROM workers WHERE worker_id = ?',
  clearCanRun: 'DELETE FROM temp.tasker_can_run WHERE worker_id = ?',
  insertCanRun: 'INSERT OR IGNORE INTO temp.tasker_can_run (worker_id, namespace, name, version) VALUES (?, ?, ?, ?)',
  /** A dead worker's steps (rare): a walk of the running-steps index, reading rows only for its entries. */
  stepsHeldBy:
    "SELECT * FROM steps INDEXED BY steps_running_idx WHERE state = 'running' AND locked_by = ? ORDER BY step_id",
  nextRetryAt: 'SELECT MIN(ready_at) AS at FROM steps WHERE ready_at IS NOT NULL AND ready_at > ?',
  readyDepth: 'SELECT COUNT(*) AS n FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ?',
  /** Claimable steps no live worker can run ($1 now for readiness, $2 now for liveness). */
  waitingForWorker: `SELECT COUNT(*) AS n FROM steps s CROSS JOIN tasks t ON t.task_id = s.task_id
                      WHERE s.ready_at IS NOT NULL AND s.ready_at <= ? AND t.state = 'running' AND NOT ${RUNNABLE}`,
  anyReady: 'SELECT 1 AS ok FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? LIMIT 1',

  // history and annotations
  insertTransition: `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  /** History of steps just completed by `completeHeld` ($4: JSON array of step ids, in order). */
  insertCompletedHistory: `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, 'running', 'completed', ?, ?, s.attempts, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key`,
  /** History of steps about to be claimed, read before their rows change ($4: JSON array of step ids, in order). */
  insertClaimHistory: `
    INSERT INTO transitions (task_id, step_id, from_state, to_state, at, reason, attempt, actor, error)
    SELECT s.task_id, s.step_id, s.state, 'running', ?, ?, s.attempts + 1, ?, NULL
      FROM json_each(?) j CROSS JOIN steps s ON s.step_id = j.value ORDER BY j.key`,
  /** Release children of many satisfied parents at once ($1: JSON array of parent step ids). */
  satisfyChildrenOf: `
    UPDATE steps SET unmet = unmet - c.k,
                     ready_at = CASE WHEN unmet = c.k AND state = 'pending' THEN ? ELSE ready_at END
      FROM (SELECT e.child_step_id AS step_id, count(*) AS k FROM step_edges e
             WHERE e.parent_step_id IN (SELECT value FROM json_each(?)) GROUP BY e.child_step_id) AS c
     WHERE steps.step_id = c.step_id
    RETURNING task_id, unmet, state`,
  historyOfTask: `
    SELECT tr.*, s.name AS step_name FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? ORDER BY tr.id`,
  historyOfStep: `
    SELECT tr.*, s.name AS step_name FROM transitions tr LEFT JOIN steps s ON s.step_id = tr.step_id
     WHERE tr.task_id = ? AND tr.step_id = ? ORDER BY tr.id`,
  insertAnnotation: 'INSERT INTO annotations (task_id, annotation_type, content, created_at) VALUES (?, ?, ?, ?)',
  annotationsOfTask: 'SELECT annotation_type, content, created_at FROM annotations WHERE task_id = ? ORDER BY id',

  // workers
  upsertWorker: `
    INSERT INTO workers (worker_id, hostname, pid, namespaces, capabilities, lease_ms, started_at, last_seen_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (worker_id) DO UPDATE SET hostname = excluded.hostname, pid = excluded.pid,
      namespaces = excluded.namespaces, capabilities = excluded.capabilities, lease_ms = excluded.lease_ms,
      started_at = excluded.started_at, last_seen_at = excluded.last_seen_at`,
  touchWorker: 'UPDATE workers SET last_seen_at = ? WHERE worker_id = ?',
  touchWorkerCapabilities: 'UPDATE workers SET last_seen_at = ?, capabilities = ? WHERE worker_id = ?',
  removeWorker: 'DELETE FROM workers WHERE worker_id = ?',
  listWorkers: 'SELECT * FROM workers ORDER BY started_at, worker_id',

  // stats and misc
  tasksByState: 'SELECT state, COUNT(*) AS n FROM tasks GROUP BY state',
  stepsByState: 'SELECT state, COUNT(*) AS n FROM steps GROUP BY state',
  ping: 'SELECT 1 AS ok',
  dataVersion: 'PRAGMA data_version',
} as const;

export type Statements = { readonly [K in keyof typeof SQL]: Statement<unknown[], unknown> } & {
  /**
   * The claim query with its LIMIT written as a literal, prepared once per limit. SQLite runs `LIMIT ?` about 20×
   * slower than a literal limit on this index walk (measured: ~8 µs vs ~0.4 µs for an empty ready index), and the
   * claim runs in every hot-path transaction. Its rows are arrays in CLAIM_SELECT's column order.
   */
  claimLimited(limit: number, withNamespaces: boolean, withTemplates: boolean): Statement<unknown[], unknown>;
};

const MAX_CACHED_CLAIMS = 2_048;

/** Statements whose rows are arrays, in their RETURNING column order. */
const RAW_ROWS = ['satisfyChildren', 'satisfyChildrenOf', 'adjustCountersMany'] as const;

/** Prepare every statement once. */
export function prepareStatements(db: Database): Statements {
  db.exec(CAN_RUN_TABLE);
  const out: Record<string, unknown> = {};
  for (const [key, sql] of Object.entries(SQL)) out[key] = db.prepare(sql);
  // Hot statements returning many rows give arrays (better-sqlite3 raw mode: about half the cost of row objects).
  for (const key of RAW_ROWS) (out[key] as Statement).raw(true);
  const cache = new Map<string, Statement<unknown[], unknown>>();
  out.claimLimited = (
    limit: number,
    withNamespaces: boolean,
    withTemplates: boolean,
  ): Statement<unknown[], unknown> => {
    if (!Number.isSafeInteger(limit) || limit < 0)
      throw new Error(`internal: claim limit must be an integer >= 0, got ${limit}`);
    const key = `${withNamespaces ? 'n' : 'a'}${withTemplates ? 't' : 'a'}${limit}`;
    let st = cache.get(key);
    if (!st) {
      if (cache.size >= MAX_CACHED_CLAIMS) cache.clear();
      let base = withNamespaces ? `${CLAIM_SELECT} AND t.namespace IN (SELECT value FROM json_each(?))` : CLAIM_SELECT;
      if (withTemplates) base += ` AND ${CAN_RUN}`;
      // Rows as arrays (raw): ~1.3 us less per claimed row than objects; claim.ts reads them in CLAIM_SELECT's order.
      st = db.prepare(`${base} ORDER BY s.ready_at, s.step_id LIMIT ${limit}`).raw(true);
      cache.set(key, st);
    }
    return st;
  };
  return out as Statements;
}
