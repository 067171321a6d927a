// Loading a task for the detail page: the task, each step's detail (attempts, transitions) and the task's
// history — from GET /tasks/{id}/history, or merged from the steps' own histories on a server without it. Step
// details are fetched again only when something about the steps changed.
import { api, isMissingRoute } from './api.js';
import type { HistoryRow, StepDetail, Task } from './types.js';

export interface TaskData {
  task: Task;
  steps: Map<string, StepDetail>;
  history: HistoryRow[];
  /** True when the history was rebuilt from step histories (no task-level rows such as a cancellation). */
  historyFromSteps: boolean;
  signature: string;
}

let historyMissing = false;

function signatureOf(task: Task): string {
  return JSON.stringify([
    task.current_state,
    task.run ?? 1,
    task.completed_at,
    task.workflow_steps.map((s) => [s.current_state, s.attempts, s.started_at, s.completed_at]),
  ]);
}

async function loadHistory(id: number): Promise<HistoryRow[] | null> {
  if (historyMissing) return null;
  const rows: HistoryRow[] = [];
  let after: number | null = null;
  try {
    for (let pages = 0; pages < 20; pages++) {
      const page: { history: HistoryRow[]; next_after: number | null } = await api(`/tasks/${id}/history`, {
        query: { limit: '1000', ...(after !== null ? { after: String(after) } : {}) },
      });
      rows.push(...page.history);
      if (page.next_after === null || page.next_after === undefined) break;
      after = page.next_after;
    }
    return rows;
  } catch (err) {
    if (!isMissingRoute(err)) throw err;
    historyMissing = true;
    return null;
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Loads the task; reuses `prev`'s step details and history when the steps have not changed since. */
export async function loadTask(id: number, prev: TaskData | null): Promise<TaskData> {
  const task = await api<Task>(`/tasks/${id}`);
  const signature = signatureOf(task);
  if (prev && prev.task.task_id === id && prev.signature === signature) return { ...prev, task };
  const details = await mapLimit(task.workflow_steps, 6, (s) =>
    api<StepDetail>(`/tasks/${id}/workflow_steps/${s.workflow_step_id}`),
  );
  const steps = new Map(details.map((d) => [d.name, d]));
  const fetched = await loadHistory(id);
  const history =
    fetched ??
    details
      .flatMap((d) => d.history.map((h): HistoryRow => ({ ...h, workflow_step_id: d.workflow_step_id, step: d.name })))
      .sort((a, b) => a.at.localeCompare(b.at));
  return { task, steps, history, historyFromSteps: fetched === null, signature };
}
