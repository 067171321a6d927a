// The worker registry on SQLite (WorkerStore, core/store-workers.ts): the store's `workers` part. Each call is one
// statement (sql/workers.ts), no transaction of its own. Also tells whether a registered holder is alive: the file is
// local, so a holder registered from this host whose process runs is alive for sure (reclaims hand its steps back).
import type { WorkerInfo, WorkerRegistration, WorkerStore } from '../../core/store-contract.js';
import { isLocalProcessAlive } from '../../core/local-process.js';
import { encodeJson } from '../shared/json.js';
import { assertWorkerId } from '../shared/request-checks.js';
import { mapWorkerRow } from '../shared/row-mappers.js';
import type { Statements } from './statements.js';

export class SqliteWorkers implements WorkerStore {
  constructor(private readonly st: Statements) {}

  async registerWorker(info: WorkerRegistration): Promise<void> {
    assertWorkerId(info.worker_id, 'registerWorker');
    const now = Date.now();
    const namespaces = info.namespaces === null ? null : encodeJson(info.namespaces, 'worker namespaces');
    const capabilities = info.capabilities == null ? null : encodeJson(info.capabilities, 'worker capabilities');
    this.st.upsertWorker.run(
      info.worker_id,
      info.hostname,
      info.pid,
      namespaces,
      capabilities,
      info.lease_ms ?? null,
      now,
      now,
    );
  }

  async touchWorker(workerId: string, capabilities?: string[] | null): Promise<void> {
    if (capabilities === undefined) this.st.touchWorker.run(Date.now(), workerId);
    else
      this.st.touchWorkerCapabilities.run(
        Date.now(),
        capabilities === null ? null : encodeJson(capabilities, 'worker capabilities'),
        workerId,
      );
  }

  async removeWorker(workerId: string): Promise<void> {
    this.st.removeWorker.run(workerId);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    return (this.st.listWorkers.all() as Array<Record<string, unknown>>).map((w) => mapWorkerRow(w));
  }

  /** Whether the worker holding a step is registered from this host with a running process. */
  readonly holderAlive = (workerId: string): boolean => {
    const w = this.st.workerRow.get(workerId) as { hostname: string; pid: number } | undefined;
    return w !== undefined && isLocalProcessAlive(w.hostname, w.pid);
  };
}
