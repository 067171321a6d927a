// BullMQ 6 as a benchmark peer (client side): a dedicated Redis database (flushed before each run), one queue,
// addBulk for batches of root jobs and FlowProducer for chains. The concurrency knob is the Worker's `concurrency`;
// completed jobs are removed (`removeOnComplete`, keeping the last 1,000), as BullMQ recommends for throughput.
import { fileURLToPath } from 'node:url';
import { FlowProducer, Queue } from 'bullmq';
import { packageVersion } from '../../package-version.js';
import type { BenchTarget, ShapeDef, TargetOptions } from '../target.js';
import { BULLMQ_JOB, BULLMQ_QUEUE, submission, type StepData } from './encoding.js';
import { connectRedis, ioredisVersion, redisVersion, type RedisClient } from './redis-client.js';
import type { BullMqWorkerConfig } from './worker.js';

const SUBMIT_CHUNK = 1_000;

export class BullMqTarget implements BenchTarget {
  readonly name = 'bullmq';
  readonly config: string;
  readonly concurrency: number;
  readonly workerModule = fileURLToPath(new URL('./worker.ts', import.meta.url));
  private readonly settings: BullMqWorkerConfig;
  private connection: RedisClient | undefined;
  private queue: Queue<StepData> | undefined;
  private flows: FlowProducer | undefined;

  constructor(options: TargetOptions, concurrency: number) {
    this.concurrency = concurrency;
    this.settings = {
      redis: { host: options.redisHost, port: options.redisPort, db: options.redisDb },
      prefix: 'tbench',
      concurrency,
      removeOnCompleteCount: 1_000,
      removeOnFailCount: 5_000,
    };
    const s = this.settings;
    this.config =
      `Worker concurrency ${s.concurrency}, removeOnComplete {count: ${s.removeOnCompleteCount}}, ` +
      `removeOnFail {count: ${s.removeOnFailCount}}, ioredis, Redis db ${s.redis.db}; addBulk for flat tasks; ` +
      'FlowProducer: chain = nested flow, diamond/fan-out root adds the flow join{parallel steps}';
  }

  async setup(): Promise<void> {
    const connection = connectRedis(this.settings.redis);
    this.connection = connection;
    await connection.flushdb();
    this.queue = new Queue<StepData>(BULLMQ_QUEUE, { connection: connection as never, prefix: this.settings.prefix });
    this.flows = new FlowProducer({ connection: connection as never, prefix: this.settings.prefix });
    await this.queue.waitUntilReady();
  }

  async reset(): Promise<void> {
    if (!this.connection) throw new Error('bullmq: used before setup');
    await this.connection.flushdb();
  }

  workerConfig(): BullMqWorkerConfig {
    return this.settings;
  }

  async submit(shape: ShapeDef, tasks: readonly number[]): Promise<void> {
    const queue = this.queue;
    const flows = this.flows;
    if (!queue || !flows) throw new Error('bullmq: submit before setup');
    const jobs: StepData[] = [];
    for (const t of tasks) {
      const what = submission(shape, t);
      if ('flow' in what) await flows.add(what.flow);
      else jobs.push(what.job);
    }
    if (jobs.length === 1) await queue.add(BULLMQ_JOB, jobs[0]!);
    else {
      for (let i = 0; i < jobs.length; i += SUBMIT_CHUNK) {
        await queue.addBulk(jobs.slice(i, i + SUBMIT_CHUNK).map((data) => ({ name: BULLMQ_JOB, data })));
      }
    }
  }

  async versions(): Promise<Record<string, string>> {
    const versions: Record<string, string> = { bullmq: packageVersion('bullmq'), ioredis: ioredisVersion() };
    if (this.connection) versions.redis = await redisVersion(this.connection);
    return versions;
  }

  async teardown(): Promise<void> {
    await this.queue?.close().catch(() => undefined);
    await this.flows?.close().catch(() => undefined);
    if (this.connection) {
      await this.connection.flushdb().catch(() => undefined);
      await this.connection.quit().catch(() => this.connection?.disconnect());
    }
    this.queue = undefined;
    this.flows = undefined;
    this.connection = undefined;
  }
}
