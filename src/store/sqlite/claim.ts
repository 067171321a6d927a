// claimSteps on SQLite: pick claimable steps (ready_at <= now, task running, namespace filter) in ready order and
// hand them to one worker under a lease, counting the attempt and reporting each task's first start once.
import type { ClaimedStep, ClaimRequest } from '../store.js';
import { REASONS } from '../shared/lifecycle-rules.js';
import type { SqliteTx } from './tx.js';
import type { StepState } from '../../engine/states.js';

interface ClaimableRow {
  step_id: number;
  task_id: number;
  name: string;
  handler_class: string;
  state: StepState;
  attempts: number;
  retry_limit: number;
  retryable: number;
  timeout_ms: number | null;
  namespace: string;
  task_name: string;
  version: string;
  correlation_id: string;
}

export function claimInTx(tx: SqliteTx, req: ClaimRequest): ClaimedStep[] {
  const { st, now } = tx;
  if (req.limit === 0 || (req.namespaces && req.namespaces.length === 0)) return [];
  const rows = (
    req.namespaces
      ? st.claimLimited(req.limit, true).all(now, JSON.stringify(req.namespaces))
      : st.claimLimited(req.limit, false).all(now)
  ) as ClaimableRow[];
  const leaseExpiresAt = now + Math.ceil(req.leaseMs);
  if (rows.length === 0) return [];
  // Few rows: per-row statements; many: one UPDATE per table for the whole claim.
  let started: Set<number>;
  if (rows.length === 1) {
    const row = rows[0]!;
    tx.stepHistory(row, 'running', { reason: REASONS.claimed, attempt: row.attempts + 1, actor: req.workerId });
    st.claimStep.run(req.workerId, leaseExpiresAt, now, row.step_id);
    started = st.markTaskStarted.run(now, row.task_id).changes === 1 ? new Set([row.task_id]) : new Set();
  } else {
    const ids = JSON.stringify(rows.map((r) => r.step_id));
    tx.claimHistory(ids, rows.map((r) => r.state), req.workerId); // reads the rows before the claim changes them
    st.claimSteps.run(req.workerId, leaseExpiresAt, now, ids);
    const taskIds = [...new Set(rows.map((r) => r.task_id))];
    started = new Set((st.markTasksStarted.all(now, JSON.stringify(taskIds)) as Array<{ task_id: number }>).map((r) => r.task_id));
  }
  return rows.map((row): ClaimedStep => {
    const attempt = row.attempts + 1;
    // A task's first start is reported once, with its first claimed step.
    const taskStarted = started.delete(row.task_id);
    return {
      step_id: row.step_id,
      task: {
        task_id: row.task_id,
        namespace: row.namespace,
        name: row.task_name,
        version: row.version,
        correlation_id: row.correlation_id,
      },
      name: row.name,
      handler_class: row.handler_class,
      attempt,
      retry_limit: row.retry_limit,
      retryable: row.retryable === 1,
      timeout_ms: row.timeout_ms,
      started_at: now,
      task_started: taskStarted,
    };
  });
}
