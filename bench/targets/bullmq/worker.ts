// BullMQ 6 worker process for the benchmark: one Worker with local concurrency; a finishing root step of a
// diamond or fan-out adds the join flow with FlowProducer (see encoding.ts).
import { FlowProducer, Worker, type Job } from 'bullmq';
import type { RunningWorker, WorkerContext } from '../target.js';
import { BULLMQ_QUEUE, followUp, type StepData } from './encoding.js';
import { connectRedis, type RedisEndpoint } from './redis-client.js';

export interface BullMqWorkerConfig {
  redis: RedisEndpoint;
  prefix: string;
  concurrency: number;
  removeOnCompleteCount: number;
  removeOnFailCount: number;
}

export async function startWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const cfg = ctx.config as BullMqWorkerConfig;
  const connection = connectRedis(cfg.redis);
  const flows = new FlowProducer({ connection: connection as never, prefix: cfg.prefix });
  const worker = new Worker<StepData>(
    BULLMQ_QUEUE,
    async (job: Job<StepData>) => {
      const { s, t, i } = job.data;
      ctx.runStep(s, t, i);
      const next = followUp(ctx.shape(s), t, i);
      if (next) await flows.add(next);
    },
    {
      connection: connection as never,
      prefix: cfg.prefix,
      concurrency: cfg.concurrency,
      removeOnComplete: { count: cfg.removeOnCompleteCount },
      removeOnFail: { count: cfg.removeOnFailCount },
    },
  );
  worker.on('error', (err) => process.stderr.write(`bullmq worker: ${err.message}\n`));
  await worker.waitUntilReady();
  return {
    stop: async () => {
      await worker.close();
      await flows.close();
      await connection.quit().catch(() => connection.disconnect());
    },
  };
}
