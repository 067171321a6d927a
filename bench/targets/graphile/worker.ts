// graphile-worker 0.17 worker process for the benchmark: one task identifier runs every step; a finishing job adds
// its single-parent successors with addJobs and releases join steps through the bench_join counter row. W7's keyed
// tasks carry their job queue (`q`, one per key): a queue runs one job at a time, and a task's next step is added to
// it at priority -1, so that it runs before the next task of its key (a task holds its key from first to last step).
import { Logger, run, type JobHelpers } from 'graphile-worker';
import { JOIN_DECREMENT_SQL } from '../pg-admin.js';
import type { RunningWorker, ShapeId, WorkerContext } from '../target.js';

export const GRAPHILE_TASK = 'bench_step';

export interface GraphileWorkerConfig {
  connectionString: string;
  concurrency: number;
  maxPoolSize: number;
  pollInterval: number;
  localQueueSize: number;
  completeJobBatchDelay: number;
  failJobBatchDelay: number;
}

interface StepPayload {
  s: ShapeId;
  t: number;
  i: number;
  /** W7: the job queue of the task's key. */
  q?: string;
}

/** Priority of a keyed task's later steps: ahead of the next task waiting in the same queue (default 0). */
export const NEXT_STEP_PRIORITY = -1;

/** Decrement the join counter and, in the same statement, add the join job when the counter reaches 0. */
const RELEASE_JOIN_SQL = `WITH d AS (${JOIN_DECREMENT_SQL})
  SELECT graphile_worker.add_job($4, json_build_object('s', $5::text, 't', $1::int, 'i', $2::int)) FROM d WHERE d.remaining = 0`;

const logger = new Logger(() => (level, message) => {
  if (level === 'error') process.stderr.write(`graphile-worker: ${message}\n`);
});

export async function startWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const cfg = ctx.config as GraphileWorkerConfig;
  const step = async (raw: unknown, helpers: JobHelpers): Promise<void> => {
    const { s, t, i, q } = raw as StepPayload;
    ctx.runStep(s, t, i);
    if (q !== undefined) {
      // Keyed shapes are chains: one successor, in the task's queue.
      const next = ctx.shape(s).children[i]![0];
      if (next !== undefined) {
        await helpers.addJob(GRAPHILE_TASK, { s, t, i: next, q }, { queueName: q, priority: NEXT_STEP_PRIORITY });
      }
      return;
    }
    const shape = ctx.shape(s);
    const direct: number[] = [];
    for (const child of shape.children[i]!) {
      const parents = shape.parents[child]!.length;
      if (parents === 1) direct.push(child);
      else await helpers.query(RELEASE_JOIN_SQL, [t, child, parents, GRAPHILE_TASK, s]);
    }
    if (direct.length === 1) await helpers.addJob(GRAPHILE_TASK, { s, t, i: direct[0]! });
    else if (direct.length > 1) {
      await helpers.addJobs(direct.map((c) => ({ identifier: GRAPHILE_TASK, payload: { s, t, i: c } })));
    }
  };
  const runner = await run({
    connectionString: cfg.connectionString,
    concurrency: cfg.concurrency,
    maxPoolSize: cfg.maxPoolSize,
    pollInterval: cfg.pollInterval,
    noHandleSignals: true,
    logger,
    taskList: { [GRAPHILE_TASK]: step },
    preset: {
      worker: {
        ...(cfg.localQueueSize > 0 ? { localQueue: { size: cfg.localQueueSize } } : {}),
        completeJobBatchDelay: cfg.completeJobBatchDelay,
        failJobBatchDelay: cfg.failJobBatchDelay,
      },
    },
  });
  return { stop: () => runner.stop() };
}
