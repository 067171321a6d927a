// How the CLI reports what it cannot do: one pointed line on stderr (no stack trace) for store failures and other
// unexpected errors, the stack only with the global --verbose flag.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'tasker-cli-errors-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// Port 1 on the loopback: nothing listens there, so the connection is refused at once.
const DEAD_PG = 'postgres://root:secret@127.0.0.1:1/test';

describe('CLI error reports', () => {
  it('reports a store that refuses connections in one line, naming the store (password hidden), exit 1', async () => {
    const r = await runCli(['submit', 'a/b', '--db', DEAD_PG, '--templates', tmp], { cwd: tmp });
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(
        /^tasker: cannot open the store postgres:\/\/root:\*\*\*@127\.0\.0\.1:1\/test: .*ECONNREFUSED/,
      ),
    ]);
    expect(r.stderr).not.toContain('secret');
  });

  it('reports a store failure of tasks commands in one line too', async () => {
    const r = await runCli(['tasks', 'list', '--db', DEAD_PG], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^tasker: cannot open the store .*ECONNREFUSED/),
    ]);
  });

  it('prints the stack with --verbose', async () => {
    const r = await runCli(['--verbose', 'tasks', 'list', '--db', DEAD_PG], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toMatch(/^tasker: cannot open the store .*ECONNREFUSED/);
    expect(r.stderr).toMatch(/\n\s+at /);
  });

  it('accepts --verbose after the command as well', async () => {
    const r = await runCli(['tasks', 'list', '--db', DEAD_PG, '--verbose'], { cwd: tmp });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/\n\s+at /);
  });
});
