// Live progress of one task for `tasker run`: on a TTY a table of steps redrawn in place (state, attempts,
// duration, and what a parked step waits for); elsewhere one line per step event. Fed by lifecycle events.
import type { AnyEventPayload, StepEventPayload } from '../engine/events.js';
import type { TaskJson } from '../engine/task-json.js';

interface Row {
  state: string;
  attempts: number;
  duration: number | null;
  note: string;
}

const SYMBOL: Record<string, string> = {
  pending: '·',
  running: '▶',
  retrying: '↻',
  completed: '✓',
  failed: '✗',
  skipped: '↷',
  cancelled: '⊘',
  resolved_manually: '✓',
  waiting: '…',
};

export class ProgressView {
  private readonly rows = new Map<string, Row>();
  private taskId: number | null = null;
  private readonly early: StepEventPayload[] = [];
  private drawn = 0;
  private readonly width: number;

  constructor(
    private readonly out: NodeJS.WriteStream,
    stepNames: readonly string[],
    private readonly title: string,
  ) {
    for (const n of stepNames) this.rows.set(n, { state: 'pending', attempts: 0, duration: null, note: '' });
    this.width = Math.max(...stepNames.map((n) => n.length), 4);
  }

  get live(): boolean {
    return Boolean(this.out.isTTY);
  }

  attach(taskId: number): void {
    this.taskId = taskId;
    for (const e of this.early.splice(0)) this.apply(e);
    this.render();
  }

  onEvent = (event: AnyEventPayload): void => {
    if (!event.event.startsWith('step.')) return;
    const e = event as StepEventPayload;
    if (this.taskId === null) {
      this.early.push(e);
      return;
    }
    if (e.task_id !== this.taskId) return;
    this.apply(e);
    this.render();
  };

  /** Final state from the store (authoritative), drawn once more. */
  finish(task: TaskJson): void {
    for (const s of task.workflow_steps) {
      const row = this.rows.get(s.name);
      if (row)
        Object.assign(row, {
          state: s.current_state,
          attempts: s.attempts,
          duration: s.duration_ms,
          note: s.error ? s.error.message : row.note,
        });
    }
    if (this.live) this.render();
    this.out.write(`${this.title}: task ${task.task_id} ${task.current_state}\n`);
  }

  private apply(e: StepEventPayload): void {
    const row = this.rows.get(e.step_name);
    if (!row || e.map_index !== undefined) return; // a map instance's events: its mapped step's row shows the map
    const state =
      e.event === 'step.started' || e.event === 'step.retry_attempted'
        ? 'running'
        : e.event === 'step.attempt_failed'
          ? 'retrying'
          : e.event.slice('step.'.length);
    row.state = state;
    row.attempts = Math.max(row.attempts, e.attempt_number);
    if (e.duration !== undefined) row.duration = e.duration;
    // A parked step says what it waits for (step.waiting's reason); a failure says why.
    row.note = e.error_message ?? (e.event === 'step.waiting' ? waitingNote(e) : '');
    if (!this.live) {
      const extra = e.duration !== undefined ? ` in ${e.duration} ms` : '';
      const note = row.note ? ` — ${row.note}` : '';
      this.out.write(`${e.step_name}: ${state} (attempt ${e.attempt_number})${extra}${note}\n`);
    }
  }

  private render(): void {
    if (!this.live) return;
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A`);
    const lines = [`${this.title}${this.taskId !== null ? ` (task ${this.taskId})` : ''}`];
    for (const [name, r] of this.rows) {
      const attempts = r.attempts ? `${r.attempts} attempt${r.attempts === 1 ? '' : 's'}` : '';
      const duration = r.duration !== null ? `${r.duration} ms` : '';
      lines.push(
        `  ${SYMBOL[r.state] ?? '?'} ${name.padEnd(this.width)}  ${r.state.padEnd(17)} ${attempts.padEnd(11)} ${duration.padStart(8)}  ${r.note}`.trimEnd(),
      );
    }
    for (const l of lines) this.out.write(`\x1b[2K${l}\n`);
    this.drawn = lines.length;
  }
}

/** `waiting for signal 'approval' (until 2026-12-06T09:00:00.000Z)`: the reason, and the wait's end if it has one. */
function waitingNote(e: StepEventPayload): string {
  const reason = e.reason ?? 'waiting';
  return e.wait_until ? `${reason} (until ${e.wait_until})` : reason;
}
