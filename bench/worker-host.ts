// Entry point of a benchmark worker process: receives a WorkerInit over IPC, runs the target's worker module and
// reports progress (steps recorded) until asked to hand over its records and stop.
import { WorkerRuntime, type WorkerInit } from './worker-runtime.js';
import type { WorkerHarvest } from './worker-runtime.js';

export type HostRequest = { type: 'start'; init: WorkerInit } | { type: 'collect' } | { type: 'stop' };
export type HostReply =
  | { type: 'ready' }
  | { type: 'progress'; count: number }
  | ({ type: 'harvest' } & WorkerHarvest)
  | { type: 'stopped' }
  | { type: 'error'; message: string };

let runtime: WorkerRuntime | undefined;
let progressTimer: NodeJS.Timeout | undefined;

function send(reply: HostReply): void {
  if (process.send && process.connected) process.send(reply);
}

function fail(err: unknown): void {
  send({ type: 'error', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  setTimeout(() => process.exit(1), 50);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
process.on('disconnect', () => process.exit(1));

process.on('message', (raw: unknown) => {
  const msg = raw as HostRequest;
  void (async () => {
    try {
      if (msg.type === 'start') {
        runtime = new WorkerRuntime(msg.init);
        await runtime.start();
        let last = -1;
        progressTimer = setInterval(() => {
          const count = runtime?.recorder.count ?? 0;
          if (count !== last) send({ type: 'progress', count: (last = count) });
        }, 10);
        send({ type: 'ready' });
      } else if (msg.type === 'collect') {
        if (!runtime) throw new Error('collect before start');
        send({ type: 'harvest', ...runtime.harvest() });
      } else if (msg.type === 'stop') {
        if (progressTimer) clearInterval(progressTimer);
        await runtime?.stop();
        send({ type: 'stopped' });
        setTimeout(() => process.exit(0), 20);
      }
    } catch (err) {
      fail(err);
    }
  })();
});
