// Whether a process of this host is still running (signal 0 probes without signalling). A worker row naming this
// host and a live pid belongs to a worker that is alive, whatever its heartbeat says.
import { hostname } from 'node:os';

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A worker registered from this host whose process is still running. */
export function isLocalProcessAlive(workerHost: string, pid: number): boolean {
  return workerHost === hostname() && processAlive(pid);
}
