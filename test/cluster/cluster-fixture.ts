// Test support for multi-process runs: writes a template set and a handlers module (plain JS) into a temp dir,
// starts real `tasker worker` processes, and reads back what every process executed and published. With a gate
// file named, every step a worker starts waits until that file exists (steps the test knows are in flight).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TEMPLATES = `---
name: diamond
namespace_name: cluster
version: 1.0.0
module_namespace: Cluster
step_templates:
  - name: a
  - name: b
    depends_on_step: a
  - name: c
    depends_on_step: a
  - name: d
    depends_on_step: a
  - name: e
    depends_on_step: [b, c, d]
---
`;

const FANOUT = `---
name: fanout
namespace_name: cluster
version: 1.0.0
module_namespace: Cluster
step_templates:
  - name: root
${Array.from({ length: 12 }, (_, i) => `  - name: leaf_${i}\n    depends_on_step: root`).join('\n')}
`;

const HANDLERS = `
import { appendFileSync, existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
const dir = process.env.CLUSTER_LOG_DIR;
const file = dir + '/' + process.pid + '.log';
const delay = Number(process.env.CLUSTER_STEP_MS ?? '0');
const gate = process.env.CLUSTER_GATE;
async function passGate() {
  while (gate && !existsSync(gate)) await sleep(20);
}
function handler(task, sequence, step) {
  appendFileSync(file, ['start', task.task_id, step.name, step.attempts, process.pid].join(' ') + '\\n');
  return passGate().then(() => (delay ? sleep(delay) : undefined)).then(() => {
    appendFileSync(file, ['end', task.task_id, step.name, step.attempts, process.pid].join(' ') + '\\n');
    return { by: process.pid };
  });
}
const names = ['a', 'b', 'c', 'd', 'e', 'root', ...Array.from({ length: 12 }, (_, i) => 'leaf_' + i)];
export const handlers = Object.fromEntries(names.map((n) => ['Cluster::' + n.split('_').map((p) => p[0].toUpperCase() + p.slice(1)).join('') + 'Handler', handler]));
export const subscribers = [
  (event) => appendFileSync(file, ['event', event.task_id, event.event, process.pid].join(' ') + '\\n'),
];
`;

export interface ExecutionLine {
  kind: 'start' | 'end';
  task_id: number;
  step: string;
  attempt: number;
  pid: number;
}

export class ClusterFixture {
  readonly dir = mkdtempSync(join(tmpdir(), 'tasker-cluster-'));
  readonly logDir = join(this.dir, 'logs');
  readonly templates = join(this.dir, 'templates');
  readonly handlers = join(this.dir, 'handlers.mjs');
  private readonly children: ChildProcess[] = [];

  constructor() {
    mkdirSync(this.logDir);
    mkdirSync(this.templates);
    writeFileSync(join(this.templates, 'diamond.yaml'), TEMPLATES);
    writeFileSync(join(this.templates, 'fanout.yaml'), FANOUT);
    writeFileSync(this.handlers, HANDLERS);
  }

  startWorker(
    db: string,
    opts: { concurrency?: number; leaseMs?: number; stepMs?: number; gate?: string; drainTimeoutMs?: number } = {},
  ): ChildProcess & { output: () => string } {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/cli/main.ts',
        'worker',
        '--db',
        db,
        '--templates',
        this.templates,
        '--handlers',
        this.handlers,
        '--concurrency',
        String(opts.concurrency ?? 20),
        '--lease-ms',
        String(opts.leaseMs ?? 30_000),
        '--log-level',
        'info',
        '--drain-timeout-ms',
        String(opts.drainTimeoutMs ?? 5000),
      ],
      {
        env: {
          ...process.env,
          CLUSTER_LOG_DIR: this.logDir,
          CLUSTER_STEP_MS: String(opts.stepMs ?? 0),
          ...(opts.gate ? { CLUSTER_GATE: opts.gate } : {}),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    this.children.push(child);
    return Object.assign(child, { output: () => out });
  }

  /** Resolves once the worker printed its start line (it has registered and is claiming). */
  async ready(child: ChildProcess & { output: () => string }): Promise<void> {
    for (let i = 0; i < 400; i++) {
      if (child.output().includes('running on')) return;
      if (child.exitCode !== null) throw new Error(`worker exited early (${child.exitCode}):\n${child.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`worker did not start:\n${child.output()}`);
  }

  lines(): ExecutionLine[] {
    const out: ExecutionLine[] = [];
    for (const f of existsSync(this.logDir) ? readdirSync(this.logDir) : []) {
      for (const line of readFileSync(join(this.logDir, f), 'utf8').split('\n')) {
        const [kind, task, step, attempt, pid] = line.split(' ');
        if (kind === 'start' || kind === 'end')
          out.push({ kind, task_id: Number(task), step: step!, attempt: Number(attempt), pid: Number(pid) });
      }
    }
    return out;
  }

  events(): Array<{ task_id: number; event: string; pid: number }> {
    const out: Array<{ task_id: number; event: string; pid: number }> = [];
    for (const f of existsSync(this.logDir) ? readdirSync(this.logDir) : []) {
      for (const line of readFileSync(join(this.logDir, f), 'utf8').split('\n')) {
        const [kind, task, event, pid] = line.split(' ');
        if (kind === 'event') out.push({ task_id: Number(task), event: event!, pid: Number(pid) });
      }
    }
    return out;
  }

  /** SIGTERM every worker and wait for them; returns their exit codes. */
  async stopAll(): Promise<Array<number | null>> {
    const live = this.children.filter((c) => c.exitCode === null && c.signalCode === null);
    const codes = await Promise.all(
      live.map(
        (c) =>
          new Promise<number | null>((resolve) => {
            c.once('close', (code) => resolve(code));
            c.kill('SIGTERM');
          }),
      ),
    );
    return codes;
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}
