// Rerun routes: rerun one completed or failed task from a step (and everything downstream of it), optionally with a
// context patch (admin only), and rerun in bulk every task a filter selects (admin), with a dry run that counts.
import { hasScopes } from '../auth/guard.js';
import { ApiError } from '../errors.js';
import { parseRfc3339 } from '../../core/rfc3339.js';
import { actorOf, type ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { StepParams } from '../schemas/common.js';
import { BulkRerunBody, BulkRerunResultSchema, RerunBody } from '../schemas/rerun.js';
import { TaskSchema } from '../schemas/tasks.js';
import type { RerunFilter } from '../../engine/task-rerun.js';
import { stepRef } from './steps.js';
import { taskId } from './tasks.js';

interface RerunRequestBody {
  downstream?: boolean;
  reason: string;
  context_patch?: Record<string, unknown>;
}

type FilterBody = Omit<RerunFilter, 'created_after' | 'created_before'> & {
  created_after?: string;
  created_before?: string;
};

interface BulkRerunRequestBody {
  filter: FilterBody;
  step: string;
  downstream?: boolean;
  reason?: string;
  dry_run?: boolean;
  batch_size?: number;
}

/** The filter with its times as epoch ms; 400 naming the field when one is no real time. */
function rerunFilter(body: FilterBody): RerunFilter {
  const { created_after, created_before, ...rest } = body;
  const out: RerunFilter = { ...rest };
  for (const [key, text] of [
    ['created_after', created_after],
    ['created_before', created_before],
  ] as const) {
    if (text === undefined) continue;
    const ms = parseRfc3339(text, key === 'created_after' ? 'floor' : 'ceil');
    if (ms === null) {
      const message = `must be an RFC 3339 date-time such as 2024-05-01T12:00:00Z, got '${text}'`;
      throw new ApiError(400, 'invalid_request', `invalid body: body.filter.${key} ${message}`, [
        { field: `body.filter.${key}`, message, keyword: 'format' },
      ]);
    }
    out[key] = ms;
  }
  return out;
}

export function rerunRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/tasks/:id/workflow_steps/:step_id/rerun',
      operationId: 'rerunFromStep',
      tag: 'operator actions',
      summary: 'Rerun a finished task from a step',
      description:
        'A completed or failed task runs this step again and, unless downstream is false, every step downstream of it; ' +
        'upstream results are kept. The task starts its next run (run + 1) and returns to running; the previous attempts ' +
        'and results stay in the history. Descendants skipped by routing or by the planning hook are planned again. ' +
        'context_patch (a JSON merge patch) needs the admin scope. 409 when the task is not completed or failed, or an ' +
        'upstream step of the step is not satisfied.',
      auth: ['steps:operate'],
      params: StepParams,
      body: RerunBody,
      responses: { 200: { description: 'the task after the reset (running, at its next run)', schema: TaskSchema } },
      errors: [404, 409, 413, 415],
      handler: async (request) => {
        const id = taskId(request);
        const ref = stepRef(request);
        const body = request.body as RerunRequestBody;
        const principal = request.principal;
        if (body.context_patch !== undefined && principal && !hasScopes(principal, ['admin'])) {
          throw new ApiError(403, 'forbidden', `token '${principal.name}' lacks scope admin needed for context_patch`, {
            required: ['admin'],
            granted: [...principal.scopes],
          });
        }
        return ctx.tasker.rerun(id, 'id' in ref ? ref.id : ref.name, {
          reason: body.reason,
          actor: actorOf(request),
          ...(body.downstream !== undefined ? { downstream: body.downstream } : {}),
          ...(body.context_patch !== undefined ? { contextPatch: body.context_patch } : {}),
        });
      },
    },
    {
      method: 'POST',
      path: '/tasks/rerun',
      operationId: 'rerunTasks',
      tag: 'operator actions',
      summary: 'Rerun every task a filter selects from a step',
      description:
        'Each completed or failed task the filter selects is rerun from the named step, a page of batch_size tasks at a ' +
        'time; dry_run only counts them. Tasks that cannot be rerun (no such step, an upstream step not satisfied) are ' +
        'listed in errors and the others still run.',
      auth: ['admin'],
      body: BulkRerunBody,
      responses: { 200: { description: 'what was (or would be) rerun', schema: BulkRerunResultSchema } },
      errors: [413, 415],
      handler: async (request) => {
        const body = request.body as BulkRerunRequestBody;
        return ctx.tasker.rerunWhere(rerunFilter(body.filter), body.step, {
          reason: body.reason ?? '',
          actor: actorOf(request),
          dryRun: body.dry_run === true,
          ...(body.downstream !== undefined ? { downstream: body.downstream } : {}),
          ...(body.batch_size !== undefined ? { batchSize: body.batch_size } : {}),
        });
      },
    },
  ];
}
