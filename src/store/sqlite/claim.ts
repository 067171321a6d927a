// claimSteps on SQLite: pick claimable steps (ready_at <= now, task unfinished, namespace filter) by priority, then
// in ready order, and hand them to one worker under a lease, counting the attempt and reporting each task's first
// start once (a task held back until now moves from pending to running). A claim with `rateLimited` then serves
// rate-limited steps the same way, those that get a token of their bucket (./rate-limits.ts).
import type { ClaimedStep, ClaimRequest } from '../../core/store-contract.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { SqliteTx } from './tx.js';
import type { StepState } from '../../core/states.js';
import { InvalidRequestError } from '../../core/errors.js';
import { rateClaim } from './rate-limits.js';
import { candidateLimit } from '../shared/rate-buckets.js';

/** A claimable row as the claim statement returns it (an array, in CLAIM_SELECT's column order). */
type ClaimableRow = [
  step_id: number,
  task_id: number,
  name: string,
  handler_class: string,
  state: StepState,
  attempts: number,
  retry_limit: number,
  retryable: number,
  timeout_ms: number | null,
  namespace: string,
  task_name: string,
  version: string,
  correlation_id: string,
  needs_plan: number,
  ready_at: number,
  run: number,
  task_state: string,
  /** The rate claim's candidates only: the step's bucket. */
  rate_key?: string,
];

/** Last template list written to temp.tasker_can_run per connection and worker (compared by identity, then content). */
const canRunWritten = new WeakMap<object, Map<string, { list: readonly string[]; json: string }>>();

/** Make temp.tasker_can_run hold exactly `templates` for this worker (rarely changes: the engine passes a cached list). */
function syncCanRun(tx: SqliteTx, workerId: string, templates: readonly string[]): void {
  let byWorker = canRunWritten.get(tx.st);
  if (!byWorker) canRunWritten.set(tx.st, (byWorker = new Map()));
  const last = byWorker.get(workerId);
  if (last && last.list === templates) return;
  const json = JSON.stringify(templates);
  if (last && last.json === json) {
    byWorker.set(workerId, { list: templates, json });
    return;
  }
  tx.st.clearCanRun.run(workerId);
  for (const key of templates) {
    const m = TEMPLATE_KEY.exec(key);
    if (!m) throw new InvalidRequestError(`claim templates: '${key}' is not a template key (namespace/name@version)`);
    tx.st.insertCanRun.run(workerId, m[1], m[2], m[3]);
  }
  byWorker.set(workerId, { list: templates, json });
}

const TEMPLATE_KEY = /^([^/@]+)\/([^/@]+)@(.+)$/;

/** A write transaction rolled back: the TEMP rows written in it are gone too, so write them again next time. */
export function forgetCanRun(st: object): void {
  canRunWritten.delete(st);
}

export function claimInTx(tx: SqliteTx, req: ClaimRequest): ClaimedStep[] {
  const { st, now } = tx;
  if (req.limit === 0 || (req.namespaces && req.namespaces.length === 0)) return [];
  if (req.templates && req.templates.length === 0) return [];
  const params: unknown[] = [now];
  if (req.namespaces) params.push(JSON.stringify(req.namespaces));
  if (req.templates) {
    syncCanRun(tx, req.workerId, req.templates);
    params.push(req.workerId);
  }
  const rows = st
    .claimLimited(req.limit, Boolean(req.namespaces), Boolean(req.templates))
    .all(...params) as ClaimableRow[];
  const claimed = rows.length === 0 ? [] : claimRows(tx, req, rows);
  // Rate-limited steps, only for a worker that can run some and only when the plain claim came back short.
  if (req.rateLimited === true && claimed.length < req.limit) {
    const more = claimRated(tx, req.limit - claimed.length, params, req);
    if (more.length) claimed.push(...claimRows(tx, req, more));
  }
  return claimed;
}

/** Candidates of the rate claim (steps with a rate limit, in claim order) that got a token; the rest put back. */
function claimRated(tx: SqliteTx, limit: number, params: unknown[], req: ClaimRequest): ClaimableRow[] {
  const rows = tx.st
    .claimLimited(candidateLimit(limit), Boolean(req.namespaces), Boolean(req.templates), true)
    .all(...params) as ClaimableRow[];
  if (rows.length === 0) return [];
  const candidates = rows.map((r) => ({ step_id: r[0], task_id: r[1], rate_key: r[17]! }));
  const granted = new Set(rateClaim(tx, candidates, limit));
  return rows.filter((r) => granted.has(r[0]));
}

/** Hand claimable rows to the worker: running under a lease, the attempt counted, history, first starts. */
function claimRows(tx: SqliteTx, req: ClaimRequest, rows: ClaimableRow[]): ClaimedStep[] {
  const { st, now } = tx;
  const leaseExpiresAt = now + Math.ceil(req.leaseMs);
  // Few rows: per-row statements; many: one UPDATE per table for the whole claim.
  let started: Set<number>;
  if (rows.length === 1) {
    const [stepId, taskId, , , state, attempts] = rows[0]!;
    tx.stepHistory({ step_id: stepId, task_id: taskId, state }, 'running', {
      reason: REASONS.claimed,
      attempt: attempts + 1,
      actor: req.workerId,
    });
    st.claimStep.run(req.workerId, leaseExpiresAt, now, stepId);
    started = st.markTaskStarted.run(now, taskId).changes === 1 ? new Set([taskId]) : new Set();
  } else {
    const ids = JSON.stringify(rows.map((r) => r[0]));
    tx.claimHistory(
      ids,
      rows.map((r) => r[4]),
      req.workerId,
    ); // reads the rows before the claim changes them
    st.claimSteps.run(req.workerId, leaseExpiresAt, now, ids);
    const taskIds = [...new Set(rows.map((r) => r[1]))];
    started = new Set(
      (st.markTasksStarted.all(now, JSON.stringify(taskIds)) as Array<{ task_id: number }>).map((r) => r.task_id),
    );
  }
  // A task held back until now (flow control: delayed, paused) starts with this claim: pending -> running.
  const held = new Set(rows.filter((r) => r[16] === 'pending').map((r) => r[1]));
  for (const taskId of held) {
    if (st.startHeldTask.run(taskId).changes === 1) {
      tx.taskHistory(taskId, 'pending', 'running', REASONS.started, req.workerId);
    }
  }
  return rows.map((row): ClaimedStep => {
    const [
      stepId,
      taskId,
      name,
      handlerClass,
      ,
      attempts,
      retryLimit,
      retryable,
      timeoutMs,
      namespace,
      taskName,
      version,
      correlationId,
      needsPlan,
      readyAt,
      run,
    ] = row;
    return {
      step_id: stepId,
      task: { task_id: taskId, namespace, name: taskName, version, correlation_id: correlationId, run },
      name,
      handler_class: handlerClass,
      attempt: attempts + 1,
      retry_limit: retryLimit,
      retryable: retryable === 1,
      timeout_ms: timeoutMs,
      started_at: now,
      // A task's first start is reported once, with its first claimed step.
      task_started: started.delete(taskId),
      needs_plan: needsPlan === 1,
      ready_at: readyAt,
    };
  });
}
