// GET /stats: the overview's figures from the store (cluster-wide on PostgreSQL): tasks and steps by state, tasks
// completed and failed and attempts retried in the last hour and day, the ready queue and its lag, workers with
// their last heartbeat, and the templates that failed most in the last day.
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { STEP_STATES, TASK_STATES } from '../../core/states.js';
import { iso } from '../../engine/task-json.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY } from '../schemas/common.js';
import { StatsSchema } from '../schemas/stats.js';

/** Every state with its count (0 when the store has none). */
function everyState(states: readonly string[], counts: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(states.map((s) => [s, counts[s] ?? 0]));
}

export function statsRoutes(ctx: ApiContext): RouteSpec[] {
  return [
    {
      method: 'GET',
      path: '/stats',
      operationId: 'stats',
      tag: 'health',
      summary: "The overview's figures",
      description:
        'Tasks and steps by state; tasks completed and failed and step attempts retried in the last hour and day; steps ready ' +
        "now and the oldest one's wait; workers with their last heartbeat; the 10 templates with most tasks failed in the last " +
        'day. Read from the store, so cluster-wide on PostgreSQL.',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the figures', schema: StatsSchema } },
      handler: async () => {
        const [stats, activity] = await Promise.all([ctx.tasker.storeStats(), ctx.tasker.reads.activity()]);
        const now = activity.now;
        return {
          tasks: everyState(TASK_STATES, stats.tasks_by_state),
          steps: everyState(STEP_STATES, stats.steps_by_state),
          last_hour: activity.last_hour,
          last_day: activity.last_day,
          ready_steps: activity.ready_steps,
          oldest_ready_age_seconds:
            activity.oldest_ready_at === null ? null : Math.max(0, now - activity.oldest_ready_at) / 1000,
          workers: stats.workers.map((w) => ({
            worker_id: w.worker_id,
            host: w.hostname,
            pid: w.pid,
            last_heartbeat_at: iso(w.last_seen_at)!,
            alive: now - w.last_seen_at <= (w.lease_ms ?? TASKER_DEFAULTS.leaseMs),
          })),
          failing_templates: activity.failing_templates,
          generated_at: iso(now)!,
        };
      },
    },
  ];
}
