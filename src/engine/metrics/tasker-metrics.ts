// Prometheus metrics of one engine, in its own prom-client Registry (never the global one): what this process did,
// from its lifecycle events and its metrics sink (claims, completion batches, leases; `Tasker.instrument`), and
// store gauges shared by every process (./store-gauges.ts). Served by `tasker serve` at /tasker/metrics and by
// `tasker worker --metrics-port` at /metrics; loaded only by them (a worker without metrics never imports prom-client).
import { Counter, Registry, collectDefaultMetrics } from 'prom-client';
import type { ClaimedStep, ReclaimedStep } from '../../core/store-contract.js';
import type { Tasker } from '../tasker.js';
import type { AnyEventPayload, StepEventPayload, TaskEventPayload } from '../events.js';
import type { EngineMetricsSink } from '../metrics-sink.js';
import { defineMetrics, type EngineMetricSet } from './definitions.js';
import { GAUGE_CACHE_MS, StoreGauges } from './store-gauges.js';

export interface TaskerMetricsOptions {
  /**
   * Also collect Node.js process metrics (CPU, memory, event loop): prom-client's default metrics with the `tasker_`
   * prefix, so `tasker_process_*` and `tasker_nodejs_*`. Default true.
   */
  processMetrics?: boolean;
  /** Histogram buckets of step durations, in seconds. */
  durationBuckets?: number[];
  /** How long one read of the store's stats serves scrapes, in ms. Default 5000; 0 reads on every scrape. */
  gaugeCacheMs?: number;
}

const EVENTS = [
  'task.started',
  'task.completed',
  'task.failed',
  'task.cancelled',
  'step.completed',
  'step.failed',
  'step.attempt_failed',
  'step.skipped',
  'step.cancelled',
] as const;

export class TaskerMetrics implements EngineMetricsSink {
  readonly registry = new Registry();
  private readonly m: EngineMetricSet;
  private readonly gauges: StoreGauges;
  private httpRequests: Counter<'method' | 'route' | 'status'> | null = null;
  private detach: Array<() => void> = [];

  constructor(tasker: Pick<Tasker, 'subscribe' | 'storeStats' | 'instrument'>, options: TaskerMetricsOptions = {}) {
    this.m = defineMetrics(this.registry, options.durationBuckets);
    this.gauges = new StoreGauges(() => tasker.storeStats(), this.m, options.gaugeCacheMs ?? GAUGE_CACHE_MS);
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'tasker_' });
    this.detach = [tasker.subscribe((event: AnyEventPayload) => this.observe(event), EVENTS), tasker.instrument(this)];
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Record one lifecycle event (called by the engine's event bus). */
  observe(event: AnyEventPayload): void {
    const base = { namespace: event.namespace, task: event.task_name };
    switch (event.event) {
      case 'task.started':
        this.m.tasksStarted.inc(base);
        return;
      case 'task.completed':
      case 'task.failed':
      case 'task.cancelled': {
        const e = event as TaskEventPayload;
        const labels = { ...base, state: e.event.slice('task.'.length) };
        this.m.tasksFinished.inc(labels);
        if (typeof e.total_duration === 'number') this.m.taskDuration.observe(labels, e.total_duration / 1000);
        return;
      }
      case 'step.completed':
      case 'step.failed':
      case 'step.skipped':
      case 'step.cancelled':
      case 'step.attempt_failed': {
        const e = event as StepEventPayload;
        const labels = { ...base, step: e.step_name };
        if (e.event === 'step.attempt_failed') {
          this.m.retries.inc({ ...labels, error_class: e.error_class ?? 'unknown' });
        } else {
          this.m.steps.inc({ ...labels, state: e.event.slice('step.'.length) });
          if (e.event === 'step.failed') this.m.failures.inc({ ...labels, error_class: e.error_class ?? 'unknown' });
        }
        if (typeof e.duration === 'number' && e.event !== 'step.skipped' && e.event !== 'step.cancelled') {
          this.m.stepDuration.observe(labels, e.duration / 1000);
        }
        return;
      }
      default:
        return;
    }
  }

  stepsClaimed(steps: readonly ClaimedStep[]): void {
    this.m.claimBatch.observe(steps.length);
    for (const c of steps) {
      if (c.ready_at === undefined || c.ready_at === null) continue;
      const lag = Math.max(0, c.started_at - c.ready_at) / 1000;
      this.m.queueLag.observe({ namespace: c.task.namespace, task: c.task.name }, lag);
    }
  }

  completionBatch(size: number, seconds: number): void {
    this.m.completionBatchSize.observe(size);
    this.m.completionBatch.observe(seconds);
  }

  leasesExtended(extended: number, lost: number): void {
    if (extended) this.m.leaseExtensions.inc(extended);
    if (lost) this.m.leasesLost.inc(lost);
  }

  stepsReclaimed(steps: readonly ReclaimedStep[]): void {
    for (const r of steps) this.m.reclaims.inc({ state: r.to });
  }

  /** Count answered HTTP requests too (`tasker_http_requests_total`; the API server turns it on). */
  enableHttp(): this {
    this.httpRequests ??= new Counter({
      name: 'tasker_http_requests_total',
      help: 'HTTP requests answered by the API, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    return this;
  }

  /** Count one answered HTTP request (`route` is the route pattern, never the raw URL, to bound cardinality). */
  observeHttp(method: string, route: string, status: number): void {
    this.enableHttp().httpRequests!.inc({ method, route, status: String(status) });
  }

  /** Refresh the store gauges (at most once per gauge cache time) and render every metric in the text format. */
  async scrape(): Promise<string> {
    await this.gauges.refresh();
    return this.registry.metrics();
  }

  /** Stop listening to the engine. */
  close(): void {
    for (const d of this.detach) d();
    this.detach = [];
  }
}
