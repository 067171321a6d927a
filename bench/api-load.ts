// Load benchmark of the HTTP API with autocannon: starts the real `tasker serve` (a child process, so the load
// generator never shares its event loop), seeds tasks, then measures GET /tasker/tasks/:id and POST /tasker/tasks
// on SQLite and PostgreSQL, and writes the figures to docs/api-benchmarks.md.
//
//   npx tsx bench/api-load.ts [--duration 10] [--warmup 3] [--connections 10] [--workers 0] [--stores sqlite,postgres] [--out docs/api-benchmarks.md]
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';

const REPO = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const TSX = pathToFileURL(require.resolve('tsx')).href;
const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';

interface Histogram {
  average: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  requests: Histogram & { total: number };
  latency: Histogram;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Cycled through by each connection; built once, unlike `setupRequest`, which costs the load generator a lot. */
  requests?: Array<{ method: string; path: string }>;
}
const autocannon = require('autocannon') as (opts: AutocannonOptions) => Promise<AutocannonResult>;

const TEMPLATE = `name: order
namespace_name: bench
version: 1.0.0
module_namespace: Bench
step_templates:
  - name: validate
  - name: charge
    depends_on_step: validate
  - name: ship
    depends_on_step: charge
`;
const HANDLERS = `export const handlers = {
  'Bench::ValidateHandler': async () => ({ ok: true }),
  'Bench::ChargeHandler': async () => ({ ok: true }),
  'Bench::ShipHandler': async () => ({ ok: true }),
};
`;
const BODY = JSON.stringify({
  namespace: 'bench',
  name: 'order',
  context: { order_id: 1, items: [{ sku: 'A-1', quantity: 2 }] },
  tags: ['bench'],
});

interface Opts {
  duration: number;
  warmup: number;
  connections: number;
  workers: number;
}

interface Row {
  store: string;
  route: string;
  result: AutocannonResult;
}

function serve(db: string, dir: string, workers: number): Promise<{ child: ChildProcess; base: string }> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      TSX,
      join(REPO, 'src/cli/main.ts'),
      'serve',
      '--port',
      '0',
      '--db',
      db,
      '--templates',
      join(dir, 'order.yaml'),
      '--handlers',
      join(dir, 'handlers.mjs'),
      '--workers',
      String(workers),
    ],
    { env: { ...process.env, TASKER_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  return new Promise((ok, fail) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /listening on (http:\/\/[^ ]+\/tasker)/.exec(stderr);
      if (m) ok({ child, base: m[1]! });
    });
    child.on('close', (code) => fail(new Error(`tasker serve exited with ${code}: ${stderr}`)));
  });
}

async function seed(base: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < count; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - i) }, () =>
        fetch(`${base}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY }).then(
          (r) => r.json() as Promise<{ task_id: number }>,
        ),
      ),
    );
    ids.push(...batch.map((t) => t.task_id));
  }
  return ids;
}

async function measureStore(store: 'sqlite' | 'postgres', opts: Opts): Promise<Row[]> {
  const dir = mkdtempSync(join(os.tmpdir(), 'tasker-api-bench-'));
  writeFileSync(join(dir, 'order.yaml'), TEMPLATE);
  writeFileSync(join(dir, 'handlers.mjs'), HANDLERS);
  const schema = `api_bench_${process.pid}`;
  const db = store === 'sqlite' ? `sqlite:${join(dir, 'tasker.db')}` : `${PG_URL}?schema=${schema}`;
  const { child, base } = await serve(db, dir, opts.workers);
  const rows: Row[] = [];
  try {
    const ids = await seed(base, 1000);
    const run = async (route: string, extra: Partial<AutocannonOptions>) => {
      process.stderr.write(
        `  ${store}: ${route}: ${opts.warmup}s warm-up, then ${opts.duration}s with ${opts.connections} connections\n`,
      );
      if (opts.warmup > 0)
        await autocannon({ url: `${base}/tasks`, connections: opts.connections, duration: opts.warmup, ...extra });
      const result = await autocannon({
        url: `${base}/tasks`,
        connections: opts.connections,
        duration: opts.duration,
        ...extra,
      });
      rows.push({ store, route, result });
    };
    const gets = ids.map((id) => ({ method: 'GET', path: `/tasker/tasks/${id}` }));
    await run('GET /tasker/tasks/:id', { requests: gets });
    await run('POST /tasker/tasks', { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY });
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('close', r));
    rmSync(dir, { recursive: true, force: true });
    if (store === 'postgres') {
      const client = new pg.Client({ connectionString: PG_URL });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client.end();
    }
  }
  return rows;
}

function report(rows: Row[], opts: Opts, started: Date, loadAtStart: number): string {
  const cpus = os.cpus();
  const f = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  const lines = [
    '# HTTP API load benchmark',
    '',
    `Measured ${started.toISOString()} with \`npx tsx bench/api-load.ts --duration ${opts.duration} --warmup ${opts.warmup} --connections ${opts.connections} --workers ${opts.workers}\`.`,
    '',
    `Machine: ${cpus[0]?.model.trim() ?? 'unknown CPU'}, ${cpus.length} cores, ${Math.round(os.totalmem() / 1024 ** 3)} GiB, ${os.type()} ${os.release()}, Node ${process.version}; ` +
      `1-minute load average ${loadAtStart.toFixed(1)} at the start (other work on the machine competes for the same cores).`,
    '',
    '`tasker serve` runs as its own process (API only: `--workers 0`, so the figures are the API and the store, not step execution);',
    'autocannon drives it from another process over loopback with keep-alive connections. The store holds 1000 seeded',
    'three-step tasks before the GET run, which cycles through all of them; each POST creates a new three-step task (task, steps, edges and',
    'history rows in one transaction) and answers it in full. Each route gets an unrecorded warm-up run first.',
    'Latencies are per request, in milliseconds.',
    '',
    '| store | route | requests/s (mean) | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx | errors |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      ({ store, route, result: r }) =>
        `| ${store} | ${route} | ${f(r.requests.average)} | ${f(r.latency.p50)} | ${f(r.latency.p90)} | ${f(r.latency.p99)} | ${f(r.latency.max)} | ${r.requests.total} | ${r.non2xx} | ${r.errors + r.timeouts} |`,
    ),
    '',
    'Figures from one run on one machine: compare them with each other, not with numbers from elsewhere. With other work on the',
    'machine (see the load average), repeated runs can differ several-fold, writes (POST) most of all.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '3' },
      connections: { type: 'string', default: '10' },
      workers: { type: 'string', default: '0' },
      stores: { type: 'string', default: 'sqlite,postgres' },
      out: { type: 'string', default: join(REPO, 'docs/api-benchmarks.md') },
    },
  });
  const opts: Opts = {
    duration: Number(values.duration),
    warmup: Number(values.warmup),
    connections: Number(values.connections),
    workers: Number(values.workers),
  };
  const started = new Date();
  const loadAtStart = os.loadavg()[0] ?? 0;
  const rows: Row[] = [];
  for (const store of values.stores.split(',') as Array<'sqlite' | 'postgres'>)
    rows.push(...(await measureStore(store, opts)));
  const text = report(rows, opts, started, loadAtStart);
  writeFileSync(values.out, text);
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  process.stderr.write(`api-load: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
