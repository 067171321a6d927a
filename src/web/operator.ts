// The operator actions the dashboard offers — on steps, tasks and cron schedules — when each applies (the same
// rules the API enforces), the scope it needs and the request it sends. Every action is confirmed in a dialog with a
// reason, recorded with the actor.
import { api } from './api.js';
import type { Schedule, Step, Task } from './types.js';

export type ActionKind =
  'retry' | 'skip' | 'resolve' | 'rerun' | 'retry_task' | 'pause_task' | 'resume_task' | 'cancel_task';

export interface ActionSpec {
  kind: ActionKind;
  /** The button's accessible name (stable: tests and users' automation find buttons by it). */
  label: string;
  scope: string;
  /** What confirming does, shown in the dialog. */
  explain: (task: Task, step: Step | null) => string;
}

const OPEN_TASK = new Set(['running', 'failed']);

export const ACTIONS: Record<ActionKind, ActionSpec> = {
  retry: {
    kind: 'retry',
    label: 'Retry',
    scope: 'steps:operate',
    explain: (_t, s) => `Step ${s?.name} goes back to pending and runs again; a failed task returns to running.`,
  },
  skip: {
    kind: 'skip',
    label: 'Skip',
    scope: 'steps:operate',
    explain: (_t, s) => `Step ${s?.name} becomes skipped without running, and the steps that depend on it go on.`,
  },
  resolve: {
    kind: 'resolve',
    label: 'Resolve',
    scope: 'steps:operate',
    explain: (_t, s) =>
      `Step ${s?.name} becomes resolved manually with the results you give, and the steps that depend on it go on.`,
  },
  rerun: {
    kind: 'rerun',
    label: 'Rerun from here',
    scope: 'steps:operate',
    explain: (_t, s) =>
      `Step ${s?.name} runs again in a new run of the task, and with "downstream" every step after it (highlighted); ` +
      'the results of the steps before it are kept.',
  },
  retry_task: {
    kind: 'retry_task',
    label: 'Retry task',
    scope: 'steps:operate',
    explain: (t) => `Every failed step of task ${t.task_id} runs again and the task returns to running.`,
  },
  pause_task: {
    kind: 'pause_task',
    label: 'Pause task',
    scope: 'steps:operate',
    explain: (t) => `No new step of task ${t.task_id} starts; running steps finish. Resume continues the workflow.`,
  },
  resume_task: {
    kind: 'resume_task',
    label: 'Resume task',
    scope: 'steps:operate',
    explain: (t) =>
      `Task ${t.task_id} continues: its ready steps can start again (unless its template or namespace is paused too).`,
  },
  cancel_task: {
    kind: 'cancel_task',
    label: 'Cancel task',
    scope: 'tasks:write',
    explain: (t) => `Task ${t.task_id} is cancelled: its unfinished steps will not run.`,
  },
};

/** The step actions that apply to this step now. */
export function stepActions(task: Task, step: Step): ActionKind[] {
  const out: ActionKind[] = [];
  if (OPEN_TASK.has(task.current_state)) {
    if (step.current_state === 'failed') out.push('retry');
    if (['pending', 'retrying', 'failed'].includes(step.current_state)) out.push('skip', 'resolve');
  }
  if (['completed', 'failed'].includes(task.current_state) && step.current_state !== 'pending') out.push('rerun');
  return out;
}

/** The task actions that apply now. */
export function taskActions(task: Task): ActionKind[] {
  const out: ActionKind[] = [];
  const failedSteps = task.workflow_steps.some((s) => s.current_state === 'failed');
  if (OPEN_TASK.has(task.current_state) && failedSteps) out.push('retry_task');
  if (['pending', 'running'].includes(task.current_state)) out.push(task.paused ? 'resume_task' : 'pause_task');
  if (OPEN_TASK.has(task.current_state) || task.current_state === 'pending') out.push('cancel_task');
  return out;
}

export interface ActionInput {
  reason: string;
  results?: unknown;
  downstream?: boolean;
}

/** Sends the action; resolves with the API's answer, rejects with its ApiFailure. */
export function perform(kind: ActionKind, task: Task, step: Step | null, input: ActionInput): Promise<unknown> {
  const base = `/tasks/${task.task_id}`;
  const stepPath = step ? `${base}/workflow_steps/${step.workflow_step_id}` : '';
  const reason = input.reason.trim() || undefined;
  switch (kind) {
    case 'retry':
    case 'skip':
      return api(`${stepPath}/${kind}`, { method: 'POST', body: { reason } });
    case 'resolve':
      return api(`${stepPath}/resolve`, { method: 'POST', body: { reason, results: input.results } });
    case 'rerun':
      return api(`${stepPath}/rerun`, { method: 'POST', body: { reason, downstream: input.downstream ?? true } });
    case 'retry_task':
      return api(`${base}/retry`, { method: 'POST', body: { reason } });
    case 'pause_task':
      return api(`${base}/pause`, { method: 'POST', body: { reason } });
    case 'resume_task':
      return api(`${base}/resume`, { method: 'POST', body: { reason } });
    case 'cancel_task':
      return api(base, { method: 'DELETE', query: { reason } });
  }
}

export type ScheduleActionKind = 'pause_schedule' | 'resume_schedule' | 'trigger_schedule';

export interface ScheduleActionSpec {
  kind: ScheduleActionKind;
  /** The button's accessible name (stable, like the task actions'). */
  label: string;
  scope: string;
  explain: (s: Schedule) => string;
}

/** What a schedule's catch_up makes of the ticks missed while it was paused. */
const MISSED: Record<string, string> = {
  none: 'they are skipped',
  latest: 'the newest of them is created',
  all: 'they are created, oldest first (at most 100)',
};

const scheduleName = (s: Schedule) => `${s.namespace}/${s.name}/${s.schedule}`;

export const SCHEDULE_ACTIONS: Record<ScheduleActionKind, ScheduleActionSpec> = {
  pause_schedule: {
    kind: 'pause_schedule',
    label: 'Pause',
    scope: 'steps:operate',
    explain: (s) =>
      `No tick of schedule ${scheduleName(s)} creates a task until it is resumed, in any process (Trigger now still does).`,
  },
  resume_schedule: {
    kind: 'resume_schedule',
    label: 'Resume',
    scope: 'steps:operate',
    explain: (s) =>
      `Schedule ${scheduleName(s)} ticks again. Ticks that fell while it was paused are missed ticks: with ` +
      `catch_up ${s.catch_up}, ${MISSED[s.catch_up] ?? 'its catch_up decides'}.`,
  },
  trigger_schedule: {
    kind: 'trigger_schedule',
    label: 'Trigger now',
    scope: 'steps:operate',
    explain: (s) =>
      `A task of ${s.namespace}/${s.name} is created now with the schedule's context, paused or not. It is no tick: ` +
      'the next tick still comes.',
  },
};

/** The schedule actions that apply now: Pause or Resume, and Trigger now. */
export function scheduleActions(s: Schedule): ScheduleActionKind[] {
  return [s.paused ? 'resume_schedule' : 'pause_schedule', 'trigger_schedule'];
}

/** Sends the schedule action; resolves with the API's answer (the schedule, or the task a trigger created). */
export function performSchedule(kind: ScheduleActionKind, s: Schedule, reason: string): Promise<unknown> {
  const path = `/schedules/${[s.namespace, s.name, s.schedule].map(encodeURIComponent).join('/')}`;
  const verb = kind === 'pause_schedule' ? 'pause' : kind === 'resume_schedule' ? 'resume' : 'trigger';
  return api(`${path}/${verb}`, { method: 'POST', body: { reason: reason.trim() || undefined } });
}
