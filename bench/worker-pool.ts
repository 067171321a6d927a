// Harness side of the workers of one run: spawns N worker processes (or one in-process runtime), tracks their
// progress, collects their step records and RSS, and always stops or kills them.
import { fork, type ChildProcess } from 'node:child_process';
import { mergeRecords, type StepRecords } from './recorder.js';
import type { HostReply, HostRequest } from './worker-host.js';
import type { WorkerLaunch } from './worker-build.js';
import { WorkerRuntime, type WorkerHarvest, type WorkerInit } from './worker-runtime.js';
const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;

/** Every child ever spawned and not yet exited, so that an aborted harness can kill them. */
const liveChildren = new Set<ChildProcess>();
export function killAllWorkers(): void {
  for (const c of liveChildren) c.kill('SIGKILL');
}

interface Child {
  proc: ChildProcess;
  progress: number;
  tail: string;
  waiters: Map<HostReply['type'], (reply: HostReply) => void>;
  failure?: string;
}

export interface PoolHarvest {
  records: StepRecords;
  rssPeakMb: number;
  rssIdleMb: number;
}

export class WorkerPool {
  private constructor(
    private readonly children: Child[],
    private readonly local: WorkerRuntime | undefined,
  ) {}

  /**
   * Start `count` worker processes (0 = one runtime inside this process, from `sourceModule`) and wait until all
   * are ready.
   */
  static async start(
    launch: WorkerLaunch,
    sourceModule: string,
    init: Omit<WorkerInit, 'processIndex' | 'processCount' | 'module'>,
    count: number,
  ): Promise<WorkerPool> {
    if (count === 0) {
      const rt = new WorkerRuntime({ ...init, module: sourceModule, processIndex: 0, processCount: 0 });
      await rt.start();
      return new WorkerPool([], rt);
    }
    const children: Child[] = [];
    const pool = new WorkerPool(children, undefined);
    try {
      for (let i = 0; i < count; i++) children.push(spawnChild(launch));
      await Promise.all(
        children.map((c, i) =>
          request(
            c,
            { type: 'start', init: { ...init, module: launch.module, processIndex: i, processCount: count } },
            'ready',
            START_TIMEOUT_MS,
          ),
        ),
      );
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  /** Steps recorded so far across all workers (as last reported). */
  progress(): number {
    if (this.local) return this.local.recorder.count;
    return this.children.reduce((sum, c) => sum + c.progress, 0);
  }

  /** The first worker failure, if any. */
  failure(): string | undefined {
    return this.children.find((c) => c.failure)?.failure;
  }

  /**
   * Resolve once `expected` steps were recorded; reject if a worker fails, or if no step is recorded for `stallMs`.
   */
  async waitForSteps(expected: number, stallMs: number): Promise<void> {
    let last = -1;
    let lastChange = Date.now();
    for (;;) {
      const failure = this.failure();
      if (failure) throw new Error(`worker failed: ${failure}`);
      const p = this.progress();
      if (p >= expected) return;
      if (p !== last) {
        last = p;
        lastChange = Date.now();
      } else if (Date.now() - lastChange > stallMs) {
        throw new Error(`stalled: ${p} of ${expected} steps recorded, none in the last ${stallMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async harvest(): Promise<PoolHarvest> {
    if (this.local) return this.local.harvest();
    const parts = (await Promise.all(
      this.children.map((c) => request(c, { type: 'collect' }, 'harvest', 30_000)),
    )) as Array<HostReply & WorkerHarvest>;
    return {
      records: mergeRecords(parts.map((p) => p.records)),
      rssPeakMb: Math.max(...parts.map((p) => p.rssPeakMb)),
      rssIdleMb: Math.max(...parts.map((p) => p.rssIdleMb)),
    };
  }

  /** Graceful stop with a timeout, then SIGKILL for whatever is left. Never throws. */
  async stop(): Promise<void> {
    if (this.local) {
      await Promise.race([this.local.stop().catch(() => undefined), delay(STOP_TIMEOUT_MS)]);
      return;
    }
    await Promise.all(
      this.children.map(async (c) => {
        if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
        const exited = new Promise<void>((r) => c.proc.once('exit', () => r()));
        try {
          if (c.proc.connected) c.proc.send({ type: 'stop' } satisfies HostRequest);
        } catch {
          /* already gone */
        }
        await Promise.race([exited, delay(STOP_TIMEOUT_MS)]);
        if (c.proc.exitCode === null && c.proc.signalCode === null) {
          c.proc.kill('SIGKILL');
          await Promise.race([exited, delay(2_000)]);
        }
      }),
    );
  }
}

function spawnChild(launch: WorkerLaunch): Child {
  const proc = fork(launch.host, [], {
    execArgv: launch.execArgv,
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  liveChildren.add(proc);
  const child: Child = { proc, progress: 0, tail: '', waiters: new Map() };
  const keepTail = (chunk: Buffer): void => {
    child.tail = (child.tail + chunk.toString()).slice(-4000);
  };
  proc.stdout?.on('data', keepTail);
  proc.stderr?.on('data', keepTail);
  proc.on('message', (raw: unknown) => {
    const reply = raw as HostReply;
    if (reply.type === 'progress') child.progress = reply.count;
    else if (reply.type === 'error') child.failure ??= reply.message;
    const waiter = child.waiters.get(reply.type);
    if (waiter) {
      child.waiters.delete(reply.type);
      waiter(reply);
    }
  });
  proc.on('exit', (code, signal) => {
    liveChildren.delete(proc);
    if (code !== 0)
      child.failure ??= `worker process exited (${signal ?? code}); output: ${child.tail.trim().slice(-1500)}`;
  });
  return child;
}

function request(child: Child, msg: HostRequest, expect: HostReply['type'], timeoutMs: number): Promise<HostReply> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (child.failure) finish(new Error(child.failure));
    }, 20);
    const deadline = setTimeout(
      () => finish(new Error(`worker did not answer "${msg.type}" within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const finish = (err: Error | undefined, reply?: HostReply): void => {
      clearInterval(timer);
      clearTimeout(deadline);
      child.waiters.delete(expect);
      if (err) reject(err);
      else resolve(reply!);
    };
    child.waiters.set(expect, (reply) => finish(undefined, reply));
    child.proc.send(msg);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
