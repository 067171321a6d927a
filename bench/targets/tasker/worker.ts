// Tasker worker for the benchmark: an engine (its own, in a worker process on PostgreSQL; the harness's shared
// engine on SQLite and on PostgreSQL with `--workers 0`) whose single handler reports each step execution to the
// harness and returns nothing.
import { Tasker, type SequenceView, type StepView, type TaskView } from '../../../src/index.js';
import { silentLogger } from '../../../src/telemetry/logger.js';
import type { RunningWorker, ShapeId, WorkerContext } from '../target.js';
import { BENCH_HANDLER, benchTemplate, TASKER_SHAPES } from './bench-templates.js';

export type TaskerWorkerConfig =
  | { mode: 'shared'; key: string }
  /** In a worker process: an engine of its own; inside the harness (processCount 0): the shared engine `sharedKey`. */
  | { mode: 'process'; url: string; concurrency: number; prefetch: number; leaseMs: number; sharedKey: string };

/**
 * PostgreSQL connections per engine, every one readied on open (`warmConnections`): the setting of a worker that must
 * answer fast from its first second, which W5 measures. SQLite ignores both.
 */
export const POOL = { poolSize: 10, warmConnections: 10 } as const;

/** Embedded engines the harness shares with in-process workers, by target name. */
export function sharedEngines(): Map<string, Tasker> {
  const g = globalThis as { __taskerBenchEngines?: Map<string, Tasker> };
  return (g.__taskerBenchEngines ??= new Map());
}

function benchHandler(ctx: WorkerContext) {
  const index = new Map<string, Map<string, number>>();
  for (const id of TASKER_SHAPES) index.set(id, new Map(ctx.shape(id).stepNames.map((n, i) => [n, i])));
  const map = ctx.shape('map');
  const items = Array.from({ length: map.steps - 2 }, (_, i) => i);
  return (task: TaskView, _sequence: SequenceView, step: StepView) => {
    if (task.name === 'map') {
      // W8: `load` returns the list; each instance of `each` is step 1 + its index; `after` is the last.
      const n = step.name === 'load' ? 0 : step.name === 'each' ? 1 + step.index! : map.steps - 1;
      ctx.runStep('map', task.context.t as number, n);
      return n === 0 ? { items } : null;
    }
    ctx.runStep(task.name as ShapeId, task.context.t as number, index.get(task.name)!.get(step.name)!);
    return null;
  };
}

export async function startWorker(ctx: WorkerContext): Promise<RunningWorker> {
  const cfg = ctx.config as TaskerWorkerConfig;
  if (cfg.mode === 'shared' || ctx.processCount === 0) {
    const key = cfg.mode === 'shared' ? cfg.key : cfg.sharedKey;
    const engine = sharedEngines().get(key);
    if (!engine) throw new Error(`no shared Tasker engine '${key}' (setup not run?)`);
    engine.registerHandlers({ [BENCH_HANDLER]: benchHandler(ctx) });
    await engine.start();
    return { stop: () => engine.stop() };
  }
  const engine = await Tasker.open({
    db: cfg.url,
    logger: silentLogger(),
    templates: TASKER_SHAPES.map((id) => benchTemplate(ctx.shape(id))),
    handlers: { [BENCH_HANDLER]: benchHandler(ctx) },
    concurrency: cfg.concurrency,
    prefetch: cfg.prefetch,
    leaseMs: cfg.leaseMs,
    drainTimeoutMs: 5_000,
    ...POOL,
  });
  return { stop: () => engine.close() };
}
