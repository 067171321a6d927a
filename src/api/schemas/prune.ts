// JSON Schemas of the prune route: the cutoffs (an age or a date per class), a dry run and the batch bounds, and the
// result, with the cutoffs used as RFC 3339 times.
import { MAX_PRUNE_BATCH, RETENTION_CLASS_NAMES } from '../../core/store-contract.js';
import { TASK_STATES } from '../../core/states.js';
import { NO_NUL, type JsonSchema } from './common.js';

/** The most batches one request runs (a request must end well within the server's request timeout). */
export const MAX_API_BATCHES = 1000;
/** The batches a request runs when it does not say. */
export const DEFAULT_API_BATCHES = 20;

const CUTOFF = (what: string): JsonSchema => ({
  type: 'string',
  minLength: 2,
  maxLength: 64,
  pattern: NO_NUL,
  description: `${what}: an age such as 30d, 12h or 90m, or a date or date-time such as 2026-01-31 or 2026-01-31T00:00:00Z`,
});

export const PruneBody: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'at least one cutoff; a class without one is kept',
  properties: {
    completed_before: CUTOFF('completed (and resolved_manually) tasks that finished before this'),
    failed_before: CUTOFF('failed tasks that finished before this'),
    cancelled_before: CUTOFF('cancelled tasks cancelled before this'),
    dry_run: { type: 'boolean', default: false, description: 'count what would be deleted; delete nothing' },
    batch_size: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_PRUNE_BATCH,
      default: 500,
      description: 'tasks deleted per transaction',
    },
    max_batches: {
      type: 'integer',
      minimum: 1,
      maximum: MAX_API_BATCHES,
      default: DEFAULT_API_BATCHES,
      description: 'transactions this request runs at most; `more` in the answer says to send it again',
    },
    resume: {
      type: 'string',
      minLength: 1,
      maxLength: 200,
      pattern: NO_NUL,
      description: 'the resume of the previous answer (it said more): go on where that request stopped',
    },
  },
};

const COUNT: JsonSchema = { type: 'integer', minimum: 0 };
const ROWS: JsonSchema = { type: 'integer', minimum: 0, nullable: true, description: 'null in a dry run' };

export const PruneResultSchema: JsonSchema = {
  type: 'object',
  required: [
    'dry_run',
    'cutoffs',
    'tasks',
    'tasks_by_state',
    'steps',
    'step_edges',
    'transitions',
    'annotations',
    'batches',
    'more',
    'resume',
  ],
  properties: {
    dry_run: { type: 'boolean' },
    cutoffs: {
      type: 'object',
      description: 'the cutoff each class used (the store clock), RFC 3339',
      properties: Object.fromEntries(RETENTION_CLASS_NAMES.map((c) => [c, { type: 'string', format: 'date-time' }])),
    },
    tasks: { ...COUNT, description: 'tasks deleted (in a dry run: eligible now)' },
    tasks_by_state: {
      type: 'object',
      properties: Object.fromEntries(TASK_STATES.map((s) => [s, COUNT])),
    },
    steps: COUNT,
    step_edges: ROWS,
    transitions: { ...ROWS, description: 'history rows deleted; null in a dry run' },
    annotations: ROWS,
    batches: { ...COUNT, description: 'transactions that deleted tasks' },
    more: { type: 'boolean', description: 'max_batches stopped it while eligible tasks may remain: send it again' },
    resume: {
      type: 'string',
      nullable: true,
      description: 'when more: send the request again with this as resume to go on where this one stopped',
    },
  },
};
