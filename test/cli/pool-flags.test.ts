// `--pool-size` and `--warm-connections` on PostgreSQL through the real CLI: `tasker submit` (it runs no steps) readies
// no connection unless told to, the flags reach the store (its debug line counts the connections readied), and bad
// values are refused with exit 2 naming the flag.
import { afterAll, describe, expect, it } from 'vitest';
import { postgresDb } from '../support/stores.js';
import { runCli } from './cli-runner.js';

const db = postgresDb();
const submit = (...flags: string[]) =>
  runCli([
    'submit',
    'ecommerce/simple_order_processing',
    '--templates',
    'examples/config/tasker/tasks',
    '--db',
    db.url,
    '--log-level',
    'debug',
    '--log-format',
    'json',
    ...flags,
  ]);

/** The `connections` of the store's "readied" debug lines on stderr, in order. */
function readied(stderr: string): number[] {
  return stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { msg?: string; connections?: number })
    .filter((l) => l.msg === 'PostgreSQL connections readied for the hot path')
    .map((l) => l.connections!);
}

afterAll(() => db.cleanup());

describe('PostgreSQL pool flags', () => {
  it('readies no connection for a submit unless told to, then as many as asked', async () => {
    const plain = await submit('--migrate'); // a new schema: submit migrates only when asked
    expect(plain.code, plain.stderr).toBe(0);
    expect(readied(plain.stderr)).toEqual([]);
    const warmed = await submit('--pool-size', '3', '--warm-connections', '2');
    expect(warmed.code, warmed.stderr).toBe(0);
    expect(readied(warmed.stderr)).toEqual([2]);
  });

  it.each([
    [['--pool-size', '0'], '--pool-size must be between 1 and 1000, got 0'],
    [['--warm-connections', 'all'], "--warm-connections must be a whole number, got 'all'"],
    [['--pool-size', '2', '--warm-connections', '3'], '--warm-connections must be at most --pool-size (2), got 3'],
    [['--warm-connections', '11'], '--warm-connections must be at most the default --pool-size (10), got 11'],
  ])('refuses %j with exit 2', async (flags, message) => {
    const res = await submit(...flags);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain(message);
  });
});
