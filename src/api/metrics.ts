// Prometheus metrics of one engine, in its own prom-client Registry (never the global one): counters of tasks and
// steps by outcome and step duration histograms, fed by the engine's lifecycle events in this process, plus gauges
// of the whole store (tasks/steps by state, ready depth, workers) refreshed from `store.stats()` on each scrape.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Tasker } from '../engine/tasker.js';
import { STEP_STATES, TASK_STATES } from '../core/states.js';
import type { AnyEventPayload, StepEventPayload, TaskEventPayload } from '../engine/events.js';

export interface TaskerMetricsOptions {
  /**
   * Also collect Node.js process metrics (CPU, memory, event loop): prom-client's default metrics with the `tasker_`
   * prefix, so `tasker_process_*` and `tasker_nodejs_*`. Default true.
   */
  processMetrics?: boolean;
  /** Histogram buckets of step durations, in seconds. */
  durationBuckets?: number[];
}

const DEFAULT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

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

export class TaskerMetrics {
  readonly registry = new Registry();
  private readonly tasksStarted: Counter<'namespace' | 'name'>;
  private readonly tasksFinished: Counter<'namespace' | 'name' | 'outcome'>;
  private readonly steps: Counter<'namespace' | 'name' | 'step' | 'outcome'>;
  private readonly attemptFailures: Counter<'namespace' | 'name' | 'step'>;
  private readonly stepDuration: Histogram<'namespace' | 'name' | 'step'>;
  private readonly tasksByState: Gauge<'state'>;
  private readonly stepsByState: Gauge<'state'>;
  private readonly readyDepth: Gauge;
  private readonly waitingForWorker: Gauge;
  private readonly workers: Gauge;
  private readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly tasker: Pick<Tasker, 'subscribe' | 'storeStats'>,
    options: TaskerMetricsOptions = {},
  ) {
    const registers = [this.registry];
    this.tasksStarted = new Counter({
      name: 'tasker_tasks_started_total',
      help: 'Tasks started by this process',
      labelNames: ['namespace', 'name'],
      registers,
    });
    this.tasksFinished = new Counter({
      name: 'tasker_tasks_finished_total',
      help: 'Task endings by outcome (completed, failed, cancelled) seen by this process; a task revived by an operator retry counts again when it ends again',
      labelNames: ['namespace', 'name', 'outcome'],
      registers,
    });
    this.steps = new Counter({
      name: 'tasker_steps_total',
      help: 'Steps that ended, by outcome (completed, failed, skipped, cancelled), as seen by this process',
      labelNames: ['namespace', 'name', 'step', 'outcome'],
      registers,
    });
    this.attemptFailures = new Counter({
      name: 'tasker_step_attempt_failures_total',
      help: 'Failed step attempts that will be retried',
      labelNames: ['namespace', 'name', 'step'],
      registers,
    });
    this.stepDuration = new Histogram({
      name: 'tasker_step_duration_seconds',
      help: 'Duration of finished step attempts run by this process',
      labelNames: ['namespace', 'name', 'step'],
      buckets: options.durationBuckets ?? DEFAULT_BUCKETS,
      registers,
    });
    this.tasksByState = new Gauge({
      name: 'tasker_tasks',
      help: 'Tasks in the store by state',
      labelNames: ['state'],
      registers,
    });
    this.stepsByState = new Gauge({
      name: 'tasker_steps',
      help: 'Steps in the store by state',
      labelNames: ['state'],
      registers,
    });
    this.readyDepth = new Gauge({
      name: 'tasker_ready_steps',
      help: 'Steps claimable now (the ready queue depth)',
      registers,
    });
    this.workers = new Gauge({ name: 'tasker_workers', help: 'Workers registered in the store', registers });
    this.waitingForWorker = new Gauge({
      name: 'tasker_steps_waiting_for_worker',
      help: 'Steps claimable now that no live worker can run (no worker has their template version with all its handlers)',
      registers,
    });
    this.httpRequests = new Counter({
      name: 'tasker_http_requests_total',
      help: 'HTTP requests answered by the API, by route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    if (options.processMetrics ?? true) collectDefaultMetrics({ register: this.registry, prefix: 'tasker_' });
    this.unsubscribe = tasker.subscribe((event: AnyEventPayload) => this.observe(event), EVENTS);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Record one lifecycle event (called by the engine's event bus). */
  observe(event: AnyEventPayload): void {
    const base = { namespace: event.namespace, name: event.task_name };
    switch (event.event) {
      case 'task.started':
        this.tasksStarted.inc(base);
        return;
      case 'task.completed':
      case 'task.failed':
      case 'task.cancelled':
        this.tasksFinished.inc({ ...base, outcome: (event as TaskEventPayload).event.slice('task.'.length) });
        return;
      case 'step.completed':
      case 'step.failed':
      case 'step.skipped':
      case 'step.cancelled':
      case 'step.attempt_failed': {
        const e = event as StepEventPayload;
        const labels = { ...base, step: e.step_name };
        if (e.event === 'step.attempt_failed') this.attemptFailures.inc(labels);
        else this.steps.inc({ ...labels, outcome: e.event.slice('step.'.length) });
        if (typeof e.duration === 'number' && e.event !== 'step.skipped' && e.event !== 'step.cancelled') {
          this.stepDuration.observe(labels, e.duration / 1000);
        }
        return;
      }
      default:
        return;
    }
  }

  /** Count one answered HTTP request (`route` is the route pattern, never the raw URL, to bound cardinality). */
  observeHttp(method: string, route: string, status: number): void {
    this.httpRequests.inc({ method, route, status: String(status) });
  }

  /** Refresh the store gauges and render every metric in the Prometheus text format. */
  async scrape(): Promise<string> {
    const stats = await this.tasker.storeStats();
    for (const s of TASK_STATES) this.tasksByState.set({ state: s }, stats.tasks_by_state[s] ?? 0);
    for (const s of STEP_STATES) this.stepsByState.set({ state: s }, stats.steps_by_state[s] ?? 0);
    this.readyDepth.set(stats.ready_depth);
    this.waitingForWorker.set(stats.waiting_for_worker);
    this.workers.set(stats.workers.length);
    return this.registry.metrics();
  }

  /** Stop listening to engine events. */
  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }
}
