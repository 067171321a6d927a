// The harness of the flow-control cluster tests: a temporary folder of YAML templates and a handlers module whose
// handlers append "start|end <group> <task> <time>" lines to one log file per process, `tasker worker` processes
// started on the real PostgreSQL with it, a submitter engine (no workers of its own), the runs read back from the
// logs, and cleanup of all of it (processes killed, folder and schema removed).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { postgresDb, type TestDb } from '../support/stores.js';

/** One handler run, as logged. */
export interface Run {
  kind: 'start' | 'end';
  key: string;
  task: number;
  at: number;
}

export class LimitWorkers {
  readonly db: TestDb = postgresDb();
  private readonly dir = mkdtempSync(join(tmpdir(), 'tasker-limits-'));
  private readonly children: ChildProcess[] = [];
  private submitter: Tasker | undefined;

  /** `templates`: file name -> YAML; `handlers`: the module's source (its log file: LIMITS_LOG_DIR/<pid>.log). */
  constructor(templates: Record<string, string>, handlers: string) {
    mkdirSync(join(this.dir, 'logs'));
    mkdirSync(join(this.dir, 'templates'));
    for (const [file, yaml] of Object.entries(templates)) writeFileSync(join(this.dir, 'templates', file), yaml);
    writeFileSync(join(this.dir, 'handlers.mjs'), handlers);
  }

  /** Start a `tasker worker` process (concurrency 10) and wait until it says it runs. */
  async startWorker(): Promise<void> {
    const args = ['--import', 'tsx', 'src/cli/main.ts', 'worker', '--db', this.db.url];
    args.push('--templates', join(this.dir, 'templates'), '--handlers', join(this.dir, 'handlers.mjs'));
    args.push('--concurrency', '10', '--log-level', 'info');
    const child = spawn(process.execPath, args, {
      env: { ...process.env, LIMITS_LOG_DIR: join(this.dir, 'logs') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.push(child);
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    for (let i = 0; i < 1200 && !out.includes('running on'); i++) {
      if (child.exitCode !== null) throw new Error(`worker exited early (${child.exitCode}):\n${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!out.includes('running on')) throw new Error(`worker did not start:\n${out}`);
  }

  /** An engine on the same store and templates that submits and reads, and runs no step. */
  async openSubmitter(): Promise<Tasker> {
    this.submitter = await Tasker.open({
      db: this.db.url,
      logger: silentLogger(),
      templates: [join(this.dir, 'templates')],
      concurrency: 0,
      start: false,
    });
    return this.submitter;
  }

  /** Every handler run the processes logged. */
  runs(): Run[] {
    const out: Run[] = [];
    for (const f of readdirSync(join(this.dir, 'logs'))) {
      for (const line of readFileSync(join(this.dir, 'logs', f), 'utf8').split('\n')) {
        const [kind, key, task, at] = line.split(' ');
        if (kind === 'start' || kind === 'end') out.push({ kind, key: key!, task: Number(task), at: Number(at) });
      }
    }
    return out;
  }

  /** Kill every worker process (SIGKILL: no drain, leases left behind) and wait until each has exited. */
  async killWorkers(): Promise<void> {
    const alive = this.children.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      alive.map(
        (c) =>
          new Promise<void>((resolve) => {
            c.once('exit', () => resolve());
            c.kill('SIGKILL');
          }),
      ),
    );
  }

  async cleanup(): Promise<void> {
    await this.submitter?.close();
    for (const c of this.children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
    await this.db.cleanup();
  }
}
