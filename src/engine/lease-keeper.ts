// Keeps this worker's claims alive and takes back other workers' lost ones: a heartbeat extends the leases of
// in-flight steps (aborting those this worker no longer holds), and a sweep reclaims expired leases so their steps
// run again. On the embedded store, steps held by dead processes on this host are reclaimed at once on start.
import { hostname } from 'node:os';
import type { ReclaimedStep, ReclaimResult, Store, TaskRecord } from '../core/store-contract.js';
import { processAlive } from '../core/local-process.js';
import type { Logger } from '../telemetry/logger.js';
import { stepLogFields } from '../telemetry/log-fields.js';
import type { Dispatcher } from './dispatcher.js';
import type { TaskFinalizer } from './task-finalizer.js';
import type { LifecyclePublisher } from './lifecycle-publisher.js';
import type { EngineMetricsSink } from './metrics-sink.js';

export interface LeaseKeeperOptions {
  workerId: string;
  leaseMs: number;
  namespaces: string[] | null;
  /** The template keys this worker can run, recorded with its registration and refreshed by heartbeats. */
  capabilities: () => string[];
}

export class LeaseKeeper {
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private beating = false;
  private sweeping = false;
  /** The capabilities last written to the workers table. */
  private advertised: string[] = [];
  /** Where lease extensions and reclaims are reported (`Tasker.instrument`); null: nowhere. */
  metrics: EngineMetricsSink | null = null;

  constructor(
    private readonly store: Store,
    private readonly dispatcher: Dispatcher,
    private readonly finalizer: TaskFinalizer,
    private readonly publisher: LifecyclePublisher,
    private readonly logger: Logger,
    private readonly options: LeaseKeeperOptions,
  ) {}

  async start(): Promise<void> {
    this.advertised = this.options.capabilities();
    await this.store.workers.registerWorker({
      worker_id: this.options.workerId,
      hostname: hostname(),
      pid: process.pid,
      namespaces: this.options.namespaces,
      capabilities: this.advertised,
      lease_ms: this.options.leaseMs,
    });
    if (this.store.kind === 'sqlite') await this.reclaimDeadLocalWorkers();
    await this.sweep();
    const beat = Math.max(50, Math.min(10_000, Math.floor(this.options.leaseMs / 3)));
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), beat);
    this.heartbeatTimer.unref();
    const sweepEvery = Math.max(100, Math.min(15_000, Math.floor(this.options.leaseMs / 2)));
    this.sweepTimer = setInterval(() => void this.sweep(), sweepEvery);
    this.sweepTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.heartbeatTimer = this.sweepTimer = null;
    try {
      await this.store.workers.removeWorker(this.options.workerId);
    } catch (err) {
      this.logger.warn({ err }, 'could not deregister worker');
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.beating) return;
    this.beating = true;
    try {
      const capabilities = this.options.capabilities();
      if (capabilities === this.advertised) await this.store.workers.touchWorker(this.options.workerId);
      else {
        await this.store.workers.touchWorker(this.options.workerId, capabilities);
        this.advertised = capabilities;
      }
      // Steps running here and steps whose outcome waits to be written (the store refusing writes for a while).
      const ids = this.dispatcher.heldStepIds();
      if (ids.length) {
        const { lost } = await this.store.extendLeases(this.options.workerId, ids, this.options.leaseMs);
        this.metrics?.leasesExtended(ids.length - lost.length, lost.length);
        if (lost.length) this.dispatcher.abortSteps(lost, 'lease_lost');
      }
    } catch (err) {
      this.logger.warn({ err }, 'heartbeat failed');
    } finally {
      this.beating = false;
    }
  }

  private async sweep(): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      // Never our own: we still hold those (an outcome waiting for the store to accept writes again).
      await this.apply(
        await this.store.reclaimSteps({ kind: 'expired', limit: 1000, exceptWorker: this.options.workerId }),
      );
    } catch (err) {
      this.logger.warn({ err }, 'lease sweep failed');
    } finally {
      this.sweeping = false;
    }
  }

  /** Embedded store: the file is local, so a worker row whose process is gone on this host is dead for sure. */
  private async reclaimDeadLocalWorkers(): Promise<void> {
    const here = hostname();
    const dead = (await this.store.workers.listWorkers()).filter(
      (w) => w.worker_id !== this.options.workerId && w.hostname === here && !processAlive(w.pid),
    );
    if (!dead.length) return;
    this.logger.info(
      { workers: dead.map((w) => w.worker_id) },
      'reclaiming steps of workers that are no longer running',
    );
    await this.apply(await this.store.reclaimSteps({ kind: 'workers', workerIds: dead.map((w) => w.worker_id) }));
    for (const w of dead) await this.store.workers.removeWorker(w.worker_id);
  }

  private async apply(res: ReclaimResult): Promise<void> {
    if (!res.reclaimed.length && !res.finalized.length) return;
    if (res.reclaimed.length) this.metrics?.stepsReclaimed(res.reclaimed);
    const listening = this.publisher.bus.has('step.failed') || this.publisher.bus.has('step.attempt_failed');
    const tasks = await this.tasksOf(res.reclaimed, listening || this.logger.isLevelEnabled('error'));
    for (const r of res.reclaimed) {
      const ref = { step_id: r.step_id, name: r.name, attempt: r.attempt };
      const task = tasks.get(r.task_id);
      const fields = {
        ...(task ? stepLogFields(task, ref) : { task_id: r.task_id, workflow_step_id: r.step_id, step: r.name }),
        attempt: r.attempt,
        worker: r.locked_by,
      };
      if (!r.counted)
        this.logger.warn(fields, 'lease lapsed while its worker was alive; step handed back, attempt not counted');
      else if (r.to === 'failed')
        this.logger.error(fields, 'step failed for good: its worker was lost during its last attempt');
      else this.logger.warn(fields, 'step reclaimed from a lost worker; it will be retried');
    }
    for (const r of listening ? res.reclaimed.filter((x) => x.counted) : []) {
      const record = tasks.get(r.task_id);
      if (!record) continue;
      const error = {
        message: `worker ${r.locked_by ?? 'unknown'} lost its lease`,
        class: 'LeaseExpiredError',
        code: 'lease_expired',
      };
      const ref = { step_id: r.step_id, name: r.name, attempt: r.attempt };
      if (r.to === 'failed') this.publisher.step('step.failed', record, ref, {}, error);
      else this.publisher.step('step.attempt_failed', record, ref, { delay_ms: 0 }, error);
    }
    if (res.finalized.length) this.finalizer.handle(res.finalized);
    if (res.reclaimed.some((r) => r.to !== 'failed')) this.dispatcher.wake();
  }

  /**
   * The tasks of reclaimed steps (for their log fields and events), one read per task, only when `wanted`. A task
   * that cannot be read is left out: its steps are still reclaimed, logged with the ids the store gave.
   */
  private async tasksOf(reclaimed: ReclaimedStep[], wanted: boolean): Promise<Map<number, TaskRecord>> {
    const tasks = new Map<number, TaskRecord>();
    if (!wanted) return tasks;
    for (const id of new Set(reclaimed.map((r) => r.task_id))) {
      const record = await this.store.getTask(id).catch((err: unknown) => {
        this.logger.warn({ err, task_id: id }, 'could not read the task of a reclaimed step');
        return null;
      });
      if (record) tasks.set(id, record);
    }
    return tasks;
  }
}
