// pg-boss 10 worker process for the benchmark: several work() loops with batch fetches; a finishing batch inserts
// its single-parent successors and releases join steps through the bench_join counter, then wakes idle local loops.
import PgBoss from 'pg-boss';
import { JOIN_DECREMENT_SQL } from '../pg-admin.js';
import type { RunningWorker, ShapeId, WorkerContext } from '../target.js';

export const PGBOSS_QUEUE = 'bench_step';

export interface PgBossWorkerConfig {
  connectionString: string;
  workersPerProcess: number;
  batchSize: number;
  pollingIntervalSeconds: number;
  poolSize: number;
}

interface StepData {
  s: ShapeId;
  t: number;
  i: number;
}

export async function startWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const cfg = ctx.config as PgBossWorkerConfig;
  const boss = new PgBoss({
    connectionString: cfg.connectionString,
    max: cfg.poolSize,
    schedule: false,
    supervise: false,
    migrate: false,
  });
  boss.on('error', (err: Error) => process.stderr.write(`pg-boss: ${err.message}\n`));
  await boss.start();
  const db = boss.getDb();
  const workerIds: string[] = [];
  let rotation = 0;
  /**
   * Wake enough loops for `jobs` new jobs (one per batchSize), other loops first in round-robin order, since this
   * one is still busy; waking every loop for one job makes them all race for it.
   */
  const wake = (jobs: number, self: string): void => {
    const others = workerIds.filter((id) => id !== self);
    let wanted = Math.min(workerIds.length, Math.ceil(jobs / cfg.batchSize));
    for (let k = 0; k < others.length && wanted > 0; k++, wanted--)
      boss.notifyWorker(others[rotation++ % others.length]!);
    if (wanted > 0) boss.notifyWorker(self);
  };

  const handler =
    (self: () => string) =>
    async (jobs: PgBoss.Job<StepData>[]): Promise<void> => {
      const inserts: PgBoss.JobInsert<StepData>[] = [];
      for (const job of jobs) {
        const { s, t, i } = job.data;
        ctx.runStep(s, t, i);
        const shape = ctx.shape(s);
        for (const child of shape.children[i]!) {
          const parents = shape.parents[child]!.length;
          if (parents > 1) {
            const { rows } = await db.executeSql(JOIN_DECREMENT_SQL, [t, child, parents]);
            if ((rows[0] as { remaining: number }).remaining !== 0) continue;
          }
          inserts.push({ name: PGBOSS_QUEUE, data: { s, t, i: child } });
        }
      }
      if (inserts.length === 1) await boss.send(PGBOSS_QUEUE, inserts[0]!.data!);
      else if (inserts.length > 1) await boss.insert(inserts);
      if (inserts.length > 0) wake(inserts.length, self());
      // A full batch means more work is probably waiting: fetch again at once instead of sleeping the interval.
      if (jobs.length === cfg.batchSize) boss.notifyWorker(self());
    };

  for (let k = 0; k < cfg.workersPerProcess; k++) {
    let id = '';
    id = await boss.work<StepData>(
      PGBOSS_QUEUE,
      { batchSize: cfg.batchSize, pollingIntervalSeconds: cfg.pollingIntervalSeconds },
      handler(() => id),
    );
    workerIds.push(id);
  }
  return { stop: () => boss.stop({ graceful: true, timeout: 5_000 }) };
}
