// The prune route: delete finished tasks older than their cutoffs (admin), at most max_batches transactions per
// request so it ends well within the request timeout (`more` says to send it again), or count them (dry_run).
import { ApiError } from '../errors.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { DEFAULT_API_BATCHES, PruneBody, PruneResultSchema } from '../schemas/prune.js';
import { CUTOFF_EXPECTED, readCutoff, type PruneOptions } from '../../engine/retention.js';

interface PruneRequestBody {
  completed_before?: string;
  failed_before?: string;
  cancelled_before?: string;
  dry_run?: boolean;
  batch_size?: number;
  max_batches?: number;
  resume?: string;
}

const FIELDS = [
  ['completed_before', 'completedBefore'],
  ['failed_before', 'failedBefore'],
  ['cancelled_before', 'cancelledBefore'],
] as const;

/** The engine's options from the body; 400 naming the field when a cutoff is neither an age nor a date. */
function pruneOptions(body: PruneRequestBody): PruneOptions {
  const options: PruneOptions = {
    dryRun: body.dry_run === true,
    maxBatches: body.max_batches ?? DEFAULT_API_BATCHES,
    ...(body.batch_size !== undefined ? { batchSize: body.batch_size } : {}),
    ...(body.resume !== undefined ? { resume: body.resume } : {}),
  };
  for (const [field, option] of FIELDS) {
    const text = body[field];
    if (text === undefined) continue;
    if (!readCutoff(text)) {
      const message = `must be ${CUTOFF_EXPECTED}, got '${text}'`;
      throw new ApiError(400, 'invalid_request', `invalid body: body.${field} ${message}`, [
        { field: `body.${field}`, message, keyword: 'format' },
      ]);
    }
    options[option] = text;
  }
  if (!FIELDS.some(([field]) => body[field] !== undefined)) {
    const message = 'give at least one of completed_before, failed_before, cancelled_before';
    throw new ApiError(400, 'invalid_request', `invalid body: ${message}`, [
      { field: 'body', message, keyword: 'required' },
    ]);
  }
  return options;
}

export function pruneRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'POST',
      path: '/tasks/prune',
      operationId: 'pruneTasks',
      tag: 'operator actions',
      summary: 'Delete finished tasks older than a cutoff',
      description:
        'Completed (and resolved_manually), failed and cancelled tasks that finished before the cutoff of their class are ' +
        'deleted with their steps, history and annotations, batch_size tasks per transaction and at most max_batches ' +
        "transactions per request (more: true says to send it again with the answer's resume, which goes on where it " +
        'stopped). Running tasks, and tasks rerun or retried since, ' +
        "are never deleted. A pruned task's idempotency key is free again. dry_run counts tasks and steps.",
      auth: ['admin'],
      body: PruneBody,
      responses: { 200: { description: 'what was (or would be) deleted', schema: PruneResultSchema } },
      errors: [413, 415],
      handler: async (request) => {
        const result = await ctx.tasker.prune(pruneOptions(request.body as PruneRequestBody));
        const cutoffs = Object.fromEntries(
          Object.entries(result.cutoffs).map(([cls, at]) => [cls, new Date(at).toISOString()]),
        );
        return { ...result, cutoffs };
      },
    },
  ];
}
