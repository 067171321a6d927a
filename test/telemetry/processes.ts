// Test support: real `tasker` child processes with the trace environment (an OTLP receiver's endpoint), their
// output, and a clean stop (SIGTERM, then the exit code).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from '../cli/cli-runner.js';

export const TRACE_TEMPLATES = join(REPO, 'test/telemetry/fixtures/templates');
export const TRACE_HANDLERS = join(REPO, 'test/telemetry/fixtures/handlers.ts');

export interface TaskerChild {
  child: ChildProcess;
  /** stdout and stderr, as they came. */
  output(): string;
  stdout(): string;
  exit: Promise<number | null>;
  /** Resolves once the output matches `pattern` (rejects if the process ends first, or after 40 s). */
  waitFor(pattern: RegExp): Promise<RegExpExecArray>;
  stop(): Promise<number | null>;
}

export function startTasker(args: string[], env: Record<string, string>): TaskerChild {
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    stdout += d.toString();
  });
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let ended = false;
  void exit.then(() => (ended = true));
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    exit,
    async waitFor(pattern) {
      const deadline = Date.now() + 40_000;
      for (;;) {
        const m = pattern.exec(out);
        if (m) return m;
        if (ended) throw new Error(`tasker ${args[0]} ended before printing ${pattern}:\n${out}`);
        if (Date.now() > deadline) throw new Error(`tasker ${args[0]} did not print ${pattern}:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async stop() {
      if (!ended) child.kill('SIGTERM');
      return exit;
    },
  };
}
