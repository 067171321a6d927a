// The store's worker registry: each engine process that runs steps registers itself (host, pid, namespaces, the
// templates it can run, its lease), heartbeats while it runs and removes itself when it stops; the lease keeper reads
// the registry to drop workers not seen for too long, the dashboard and metrics to count live ones. The rows are
// WorkerRegistration and WorkerInfo (store-records.ts). store-contract.ts re-exports this; the Store exposes a
// WorkerStore as `store.workers`.
import type { WorkerInfo, WorkerRegistration } from './store-records.js';

/** The store's `workers` part (`Store.workers`). */
export interface WorkerStore {
  /** Insert or replace the worker's row (started and seen now); on PostgreSQL also take its presence lock. */
  registerWorker(info: WorkerRegistration): Promise<void>;
  /** Heartbeat of a worker; `capabilities` replaces what it can run when given. */
  touchWorker(workerId: string, capabilities?: string[] | null): Promise<void>;
  removeWorker(workerId: string): Promise<void>;
  listWorkers(): Promise<WorkerInfo[]>;
}
