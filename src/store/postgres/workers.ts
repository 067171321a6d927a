// The worker registry on PostgreSQL (WorkerStore, core/store-workers.ts): the store's `workers` part. Each call is
// one statement (sql/workers.ts); registering also takes the worker's presence lock on the store's LISTEN session
// (presence.ts, held by the wake listener), and removing drops it, so reclaimers can tell a live holder whose lease
// lapsed from one that is gone.
import type { WorkerInfo, WorkerRegistration, WorkerStore } from '../../core/store-contract.js';
import { assertWorkerId } from '../shared/request-checks.js';
import { mapWorkerRow } from '../shared/row-mappers.js';
import type { PgContext } from './context.js';
import { run } from './pool.js';
import { pgDecode } from './reads.js';
import type { WakeListener } from './wake-listener.js';

export class PgWorkers implements WorkerStore {
  constructor(
    private readonly ctx: PgContext,
    private readonly wake: WakeListener,
    private readonly open: () => void,
  ) {}

  async registerWorker(info: WorkerRegistration): Promise<void> {
    assertWorkerId(info.worker_id, 'registerWorker');
    this.open();
    await run(this.ctx.pool, this.ctx.sql.upsertWorker, [
      info.worker_id,
      info.hostname,
      info.pid,
      info.namespaces,
      info.capabilities ?? null,
      info.lease_ms ?? null,
    ]);
    await this.wake.holdPresence(info.worker_id);
  }

  async touchWorker(workerId: string, capabilities?: string[] | null): Promise<void> {
    this.open();
    if (capabilities === undefined) await run(this.ctx.pool, this.ctx.sql.touchWorker, [workerId]);
    else await run(this.ctx.pool, this.ctx.sql.touchWorkerCapabilities, [workerId, capabilities]);
  }

  async removeWorker(workerId: string): Promise<void> {
    this.open();
    await this.wake.dropPresence(workerId);
    await run(this.ctx.pool, this.ctx.sql.removeWorker, [workerId]);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    this.open();
    const rows = await run<Record<string, unknown>>(this.ctx.pool, this.ctx.sql.listWorkers);
    return rows.map((r) => mapWorkerRow(r, pgDecode));
  }
}
