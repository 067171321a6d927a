// Every Prometheus metric of an engine, defined once (names, help, labels, buckets) in a given registry: what this
// process did (counters and histograms) and what the store holds (gauges). docs/observability.md lists them; the
// names are settled (test/api/metrics-names.test.ts). Labels are bounded: namespace, task (template name), step,
// state, error_class — never an id.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Seconds: step attempts (the existing default). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
/** Seconds from ready to claimed. */
const LAG_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];
/** Seconds from creation to the end of a task. */
const TASK_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21_600, 86_400];
/** Steps per claim. */
const BATCH_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];
/** Seconds of one completion round trip. */
const ROUND_TRIP_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

type TaskLabels = 'namespace' | 'task';
type StepLabels = TaskLabels | 'step';

export function defineMetrics(registry: Registry, durationBuckets: number[] = DURATION_BUCKETS) {
  const registers = [registry];
  return {
    tasksStarted: new Counter<TaskLabels>({
      name: 'tasker_tasks_started_total',
      help: 'Tasks started (first step claimed) by this process',
      labelNames: ['namespace', 'task'],
      registers,
    }),
    tasksFinished: new Counter<TaskLabels | 'state'>({
      name: 'tasker_tasks_finished_total',
      help: 'Task endings by final state (completed, failed, cancelled) seen by this process; a task revived by an operator retry counts again when it ends again',
      labelNames: ['namespace', 'task', 'state'],
      registers,
    }),
    taskDuration: new Histogram<TaskLabels | 'state'>({
      name: 'tasker_task_duration_seconds',
      help: 'Time from creation to the end of tasks that ended in this process, by final state',
      labelNames: ['namespace', 'task', 'state'],
      buckets: TASK_BUCKETS,
      registers,
    }),
    steps: new Counter<StepLabels | 'state'>({
      name: 'tasker_steps_total',
      help: 'Steps that ended, by final state (completed, failed, skipped, cancelled), as seen by this process',
      labelNames: ['namespace', 'task', 'step', 'state'],
      registers,
    }),
    retries: new Counter<StepLabels | 'error_class'>({
      name: 'tasker_step_retries_total',
      help: 'Failed step attempts that will be retried, by error class',
      labelNames: ['namespace', 'task', 'step', 'error_class'],
      registers,
    }),
    failures: new Counter<StepLabels | 'error_class'>({
      name: 'tasker_step_failures_total',
      help: 'Steps that failed for good, by error class',
      labelNames: ['namespace', 'task', 'step', 'error_class'],
      registers,
    }),
    stepDuration: new Histogram<StepLabels>({
      name: 'tasker_step_duration_seconds',
      help: 'Duration of finished step attempts run by this process',
      labelNames: ['namespace', 'task', 'step'],
      buckets: durationBuckets,
      registers,
    }),
    queueLag: new Histogram<TaskLabels>({
      name: 'tasker_step_queue_lag_seconds',
      help: 'Time from a step becoming claimable (ready, or its retry due) to its claim by this process',
      labelNames: ['namespace', 'task'],
      buckets: LAG_BUCKETS,
      registers,
    }),
    claimBatch: new Histogram({
      name: 'tasker_claim_batch_size',
      help: 'Steps per claim of this process (claims that returned at least one step)',
      buckets: BATCH_BUCKETS,
      registers,
    }),
    completionBatch: new Histogram({
      name: 'tasker_completion_batch_duration_seconds',
      help: 'Round trip of one completion batch of this process (its outcomes, the follow-up claim, one transaction)',
      buckets: ROUND_TRIP_BUCKETS,
      registers,
    }),
    completionBatchSize: new Histogram({
      name: 'tasker_completion_batch_size',
      help: 'Step outcomes per completion batch of this process',
      buckets: BATCH_BUCKETS,
      registers,
    }),
    leaseExtensions: new Counter({
      name: 'tasker_lease_extensions_total',
      help: 'Step leases extended by the heartbeat of this process',
      registers,
    }),
    leasesLost: new Counter({
      name: 'tasker_leases_lost_total',
      help: 'In-flight steps of this process whose lease another process took back (their handlers are aborted)',
      registers,
    }),
    reclaims: new Counter<'state'>({
      name: 'tasker_step_reclaims_total',
      help: 'Steps this process took back from workers that lost their lease, by the state they went to (retrying, failed, pending)',
      labelNames: ['state'],
      registers,
    }),
    tasksByState: new Gauge<'state'>({
      name: 'tasker_tasks',
      help: 'Tasks in the store by state (estimates on large PostgreSQL tables, see tasker_store_counts_estimated)',
      labelNames: ['state'],
      registers,
    }),
    stepsByState: new Gauge<'state'>({
      name: 'tasker_steps',
      help: 'Steps in the store by state (estimates on large PostgreSQL tables, see tasker_store_counts_estimated)',
      labelNames: ['state'],
      registers,
    }),
    countsEstimated: new Gauge({
      name: 'tasker_store_counts_estimated',
      help: '1 when tasker_tasks and tasker_steps are the planner estimates of large tables, 0 when exact',
      registers,
    }),
    readyDepth: new Gauge({
      name: 'tasker_ready_steps',
      help: 'Steps claimable now (the ready queue depth)',
      registers,
    }),
    oldestReadyAge: new Gauge({
      name: 'tasker_oldest_ready_step_age_seconds',
      help: 'How long the oldest claimable step has been waiting for a worker (0 when none is)',
      registers,
    }),
    waitingForWorker: new Gauge({
      name: 'tasker_steps_waiting_for_worker',
      help: 'Steps claimable now that no live worker can run (no worker has their template version with all its handlers)',
      registers,
    }),
    workers: new Gauge({
      name: 'tasker_workers',
      help: 'Workers registered in the store and seen within their lease',
      registers,
    }),
  };
}

export type EngineMetricSet = ReturnType<typeof defineMetrics>;
