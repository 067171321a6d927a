// Test helper: run the real `tasker` CLI (src/cli/main.ts through tsx) as a child process and capture its output.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export const REPO = path.resolve(import.meta.dirname, '../..');
/** tsx's loader by absolute URL, so the CLI can also be started from a directory outside the repo. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A CLI child that is still running: its result when it ends, and a wait for a line of its stdout. */
export interface StartedCli {
  result: Promise<CliResult>;
  /** Resolves once stdout matches `pattern`; rejects if the child ends first. */
  stdoutMatches(pattern: RegExp): Promise<void>;
}

/**
 * Starts the CLI. A child still running after `timeoutMs` (default 50 s, under the test timeout) is killed and
 * reported with code null, so a hanging CLI fails its test instead of outliving it.
 */
export function startCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): StartedCli {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, path.join(REPO, 'src/cli/main.ts'), ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, NODE_ENV: 'test', TASKER_ENV: '', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 50_000);
  let stdout = '';
  let stderr = '';
  const watchers = new Set<() => void>();
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString();
    for (const w of watchers) w();
  });
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const result = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr });
    });
  });
  const stdoutMatches = (pattern: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!pattern.test(stdout)) return;
        watchers.delete(check);
        resolve();
      };
      watchers.add(check);
      check();
      void result.then(() => {
        if (watchers.delete(check))
          reject(new Error(`the CLI ended before its stdout matched ${pattern}:\n${stdout}${stderr}`));
      }, reject);
    });
  return { result, stdoutMatches };
}

/** Runs the CLI to its end (see `startCli`). */
export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<CliResult> {
  return startCli(args, opts).result;
}
