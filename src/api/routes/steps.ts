// Step routes: a task's steps, one step with its attempt history and transitions, and the operator actions —
// retry / resolve / skip a step and retry a whole task — each recorded with who did it; illegal ones answer 409.
// A step is named in the path by its workflow step id (all digits) or by its name within the task.
import type { FastifyRequest } from 'fastify';
import { NotFoundError } from '../../core/errors.js';
import type { StepJson, TaskJson } from '../../engine/task-json.js';
import type { OperatorAction } from '../../core/store-contract.js';
import { attemptsFrom, transitionJson } from '../attempts.js';
import { ApiError } from '../errors.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { StepParams, TaskIdParams } from '../schemas/common.js';
import { OperatorResultSchema, ReasonBody, ResolveBody, StepDetailSchema, StepListSchema } from '../schemas/tasks.js';
import { requireTask, taskId } from './tasks.js';

type StepAction = 'retry_step' | 'resolve_step' | 'skip_step';

type StepRef = { id: number } | { name: string };

function requireStep(task: TaskJson, ref: StepRef): StepJson {
  // A map instance (`charge_line_item[3]`, or its id) is found under its step's `map.instances`.
  const steps = task.workflow_steps.flatMap((s) => (s.map ? [s, ...s.map.instances] : [s]));
  const step = 'id' in ref ? steps.find((s) => s.workflow_step_id === ref.id) : steps.find((s) => s.name === ref.name);
  if (!step) {
    const steps = task.workflow_steps.map((s) => `${s.workflow_step_id} ${s.name}`).join(', ');
    const what = 'id' in ref ? `step ${ref.id}` : `step named '${ref.name}'`;
    throw new NotFoundError(`task ${task.task_id} has no ${what} (its steps: ${steps})`, {
      task_id: task.task_id,
      ...('id' in ref ? { step_id: ref.id } : { step: ref.name }),
    });
  }
  return step;
}

/** The `:step_id` path segment: all digits is a workflow step id (400 unless a positive integer), else a step name. */
export function stepRef(request: FastifyRequest): StepRef {
  const text = (request.params as { step_id: string }).step_id;
  if (!/^[0-9]+$/.test(text)) return { name: text };
  const id = Number(text);
  if (!Number.isSafeInteger(id) || id < 1) {
    const message = `an all-digit step must be a workflow step id from 1 to ${Number.MAX_SAFE_INTEGER}, got '${text}'`;
    throw new ApiError(400, 'invalid_request', `invalid params: params.step_id ${message}`, [
      { field: 'params.step_id', message, keyword: 'minimum' },
    ]);
  }
  return { id };
}

async function perform(ctx: ApiContext, action: OperatorAction) {
  const res = await ctx.tasker.operate(action);
  const task = await requireTask(ctx, action.task_id);
  return { action: action.type, task_state: res.task_state, changed_step_ids: res.changed_step_ids, task };
}

const ACTIONS: Record<StepAction, { verb: string; summary: string; description: string }> = {
  retry_step: {
    verb: 'retry',
    summary: 'Retry a failed step',
    description:
      'Re-runs a failed step (its attempts start over); a failed task returns to running. 409 unless the step is failed.',
  },
  resolve_step: {
    verb: 'resolve',
    summary: 'Resolve a step manually',
    description:
      'Marks a pending, retrying or failed step resolved_manually with the given results; its dependents then run.',
  },
  skip_step: {
    verb: 'skip',
    summary: 'Skip a step',
    description: 'Marks a pending, retrying or failed step skipped; its dependents then run.',
  },
};

function stepActionRoute(ctx: ApiContext, type: StepAction): RouteSpec {
  const a = ACTIONS[type];
  return {
    method: 'POST',
    path: `/tasks/:id/workflow_steps/:step_id/${a.verb}`,
    operationId: `${a.verb}Step`,
    tag: 'operator actions',
    summary: a.summary,
    description: `${a.description} The action is recorded in the step's history with its actor.`,
    auth: ['steps:operate'],
    params: StepParams,
    body: type === 'resolve_step' ? ResolveBody : ReasonBody,
    bodyRequired: false,
    responses: { 200: { description: 'the action applied, and the task after it', schema: OperatorResultSchema } },
    errors: [404, 409, 413, 415],
    handler: async (request) => {
      const id = taskId(request);
      const ref = stepRef(request);
      const sid = requireStep(await requireTask(ctx, id), ref).workflow_step_id;
      const body = request.body as { reason?: string | null; results?: unknown };
      const base = { task_id: id, step_id: sid, actor: actorOf(request), reason: body.reason ?? null };
      const action: OperatorAction =
        type === 'resolve_step' ? { type, ...base, results: body.results ?? null } : { type, ...base };
      return perform(ctx, action);
    },
  };
}

export function stepRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/tasks/:id/workflow_steps',
      operationId: 'listSteps',
      tag: 'steps',
      summary: "A task's steps",
      auth: ['tasks:read'],
      params: TaskIdParams,
      responses: { 200: { description: 'the steps, in template order', schema: StepListSchema } },
      errors: [404],
      handler: async (request) => {
        const task = await requireTask(ctx, taskId(request));
        return { task_id: task.task_id, workflow_steps: task.workflow_steps };
      },
    },
    {
      method: 'GET',
      path: '/tasks/:id/workflow_steps/:step_id',
      operationId: 'getStep',
      tag: 'steps',
      summary: 'One step with its attempt history',
      description:
        'attempt_history lists each attempt with its start, end, outcome, error and the worker that ran it; history lists every ' +
        'state change with its actor (workers, and operators for retry/resolve/skip/cancel).',
      auth: ['tasks:read'],
      params: StepParams,
      responses: { 200: { description: 'the step', schema: StepDetailSchema } },
      errors: [404],
      handler: async (request) => {
        const id = taskId(request);
        const ref = stepRef(request);
        const step = requireStep(await requireTask(ctx, id), ref);
        const rows = await ctx.tasker.getHistory(id, step.workflow_step_id);
        return { task_id: id, ...step, attempt_history: attemptsFrom(rows), history: rows.map(transitionJson) };
      },
    },
    stepActionRoute(ctx, 'retry_step'),
    stepActionRoute(ctx, 'resolve_step'),
    stepActionRoute(ctx, 'skip_step'),
    {
      method: 'POST',
      path: '/tasks/:id/retry',
      operationId: 'retryTask',
      tag: 'operator actions',
      summary: 'Retry every failed step of a task',
      description:
        'The task resumes (a failed task returns to running). 409 when the task has no failed steps or has ended otherwise.',
      auth: ['steps:operate'],
      params: TaskIdParams,
      body: ReasonBody,
      bodyRequired: false,
      responses: { 200: { description: 'the action applied, and the task after it', schema: OperatorResultSchema } },
      errors: [404, 409, 413, 415],
      handler: async (request) => {
        const id = taskId(request);
        await requireTask(ctx, id);
        const body = request.body as { reason?: string | null };
        return perform(ctx, { type: 'retry_task', task_id: id, actor: actorOf(request), reason: body.reason ?? null });
      },
    },
  ];
}
