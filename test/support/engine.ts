// Test support: open an engine on a test store with the examples' templates, plus handler helpers that record
// what ran and when (so tests assert on order and counts, never on speed).
import { Tasker, type TaskerOptions } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import type { TestDb } from './stores.js';

export const EXAMPLES_TEMPLATES = 'examples/config/tasker/tasks';
export const EXAMPLES_HANDLERS = 'examples/handlers/index.ts';

export async function openTestEngine(db: TestDb, options: TaskerOptions = {}): Promise<Tasker> {
  return Tasker.open({ db: db.url, logger: silentLogger(), pollIntervalMs: 200, concurrency: 10, ...options });
}

export interface Execution {
  step: string;
  task_id: number;
  attempt: number;
  start: number;
  end: number;
}

/** A recorder of handler executions. */
export class Recorder {
  readonly runs: Execution[] = [];
  count(step: string, taskId?: number): number {
    return this.runs.filter((r) => r.step === step && (taskId === undefined || r.task_id === taskId)).length;
  }
  of(step: string, taskId?: number): Execution {
    const r = this.runs.find((x) => x.step === step && (taskId === undefined || x.task_id === taskId));
    if (!r) throw new Error(`step ${step} never ran`);
    return r;
  }
}

type Body = (ctx: { task: any; sequence: any; step: any }) => unknown;

/** A handler that records its execution and then runs `body`. */
export function recorded(rec: Recorder, body: Body = () => ({ ok: true })) {
  return async (task: any, sequence: any, step: any) => {
    const start = Date.now();
    const entry: Execution = { step: step.name, task_id: task.task_id, attempt: step.attempts, start, end: start };
    rec.runs.push(entry);
    try {
      return await body({ task, sequence, step });
    } finally {
      entry.end = Date.now();
    }
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
