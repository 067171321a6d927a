// What the CLI loads before a command runs: the command modules import neither Fastify nor prom-client (serve and
// `worker --metrics-port` import them when they run), so a plain worker process carries neither.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { REPO } from './cli-runner.js';

const PROBE = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const loaded = () => Object.keys(require.cache);
const has = (pkg) => loaded().some((k) => k.includes('/node_modules/' + pkg + '/'));
await import('./src/cli/commands/index.ts');
const before = { prom: has('prom-client'), fastify: has('fastify') };
await import('./src/engine/metrics/tasker-metrics.ts');
console.log(JSON.stringify({ before, after: { prom: has('prom-client') } }));
`;

describe('CLI module loading', () => {
  it('loads neither Fastify nor prom-client until a command asks for them', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', PROBE], {
      cwd: REPO,
      encoding: 'utf8',
    });
    // The probe can see prom-client once loaded: the check is not vacuous.
    expect(JSON.parse(out)).toEqual({ before: { prom: false, fastify: false }, after: { prom: true } });
  });
});
