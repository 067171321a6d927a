// Runs one target worker module with a recording context and samples this process's RSS; used inside a worker
// process (worker-host.ts) and, for in-process targets, inside the harness itself.
import { pathToFileURL } from 'node:url';
import { now } from './clock.js';
import { StepRecorder, type StepRecords } from './recorder.js';
import type { RunningWorker, WorkerContext, WorkerModule } from './targets/target.js';
import { shapeFor, type ShapeDef, type ShapeId, type ShapeParams } from './workloads.js';

export interface WorkerInit {
  module: string;
  config: unknown;
  shapes: ShapeParams;
  processIndex: number;
  processCount: number;
}

export interface WorkerHarvest {
  records: StepRecords;
  rssPeakMb: number;
  rssIdleMb: number;
}

const MB = 1024 * 1024;

export class WorkerRuntime {
  readonly recorder = new StepRecorder();
  private running: RunningWorker | undefined;
  private rssPeak = 0;
  private rssIdle = 0;
  private sampler: NodeJS.Timeout | undefined;

  constructor(private readonly init: WorkerInit) {}

  async start(): Promise<void> {
    const mod = (await import(pathToFileURL(this.init.module).href)) as Partial<WorkerModule>;
    if (typeof mod.startWorker !== 'function') {
      throw new Error(`worker module ${this.init.module} does not export startWorker(ctx)`);
    }
    const shapes = new Map<ShapeId, ShapeDef>();
    const recorder = this.recorder;
    const ctx: WorkerContext = {
      processIndex: this.init.processIndex,
      processCount: this.init.processCount,
      config: this.init.config,
      shape: (id) => {
        let s = shapes.get(id);
        if (!s) shapes.set(id, (s = shapeFor(id, this.init.shapes)));
        return s;
      },
      runStep: (_shape, task, step) => {
        const start = now();
        // The step body is a no-op in every workload.
        recorder.record(task, step, start, now());
      },
    };
    this.running = await mod.startWorker(ctx);
    this.rssIdle = process.memoryUsage.rss();
    this.rssPeak = this.rssIdle;
    this.sampler = setInterval(() => this.sample(), 25);
    this.sampler.unref();
  }

  harvest(): WorkerHarvest {
    this.sample();
    return { records: this.recorder.snapshot(), rssPeakMb: this.rssPeak / MB, rssIdleMb: this.rssIdle / MB };
  }

  async stop(): Promise<void> {
    if (this.sampler) clearInterval(this.sampler);
    this.sampler = undefined;
    const running = this.running;
    this.running = undefined;
    if (running) await running.stop();
  }

  private sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.rssPeak) this.rssPeak = rss;
  }
}
