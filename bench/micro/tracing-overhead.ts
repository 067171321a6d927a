// What tracing costs per step, in one process: W2-like runs (1,000 diamonds A→(B,C,D)→E = 5,000 steps, submitted
// with two submitMany calls) alternating between tracing off (no SDK registered: the default) and an OpenTelemetry
// SDK exporting every span over OTLP http/protobuf to a receiver in a child process. Reports wall time per step
// (min / p25 / median over the rounds) for each mode and the difference.
//   npx tsx bench/micro/tracing-overhead.ts                      # SQLite, 6 rounds per mode
//   npx tsx bench/micro/tracing-overhead.ts postgres://root@127.0.0.1:5432/test 4
// The batch processor is given a queue large enough for a whole round (the default 2,048 would drop spans and
// understate the cost) and a 200 ms delay, and is flushed inside the measured time.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { Tasker, defineTask } from '../../src/index.js';
import { silentLogger } from '../../src/telemetry/logger.js';

const target = process.argv[2] ?? 'sqlite';
const rounds = Number(process.argv[3] ?? 6);
const TASKS = 1000;
const STEPS = TASKS * 5;

const H = 'Bench::H';
const diamond = defineTask({
  name: 'diamond',
  namespace_name: 'bench',
  version: '1.0.0',
  step_templates: [
    { name: 'a', handler_class: H },
    { name: 'b', handler_class: H, depends_on_step: 'a' },
    { name: 'c', handler_class: H, depends_on_step: 'a' },
    { name: 'd', handler_class: H, depends_on_step: 'a' },
    { name: 'e', handler_class: H, depends_on_steps: ['b', 'c', 'd'] },
  ],
});

/** A receiver in its own process, so parsing the exports does not count against the engine. */
async function startReceiver(): Promise<{ url: string; stop: () => void; received: () => Promise<number> }> {
  const code = `
    let bytes = 0;
    const server = require('node:http').createServer((req, res) => {
      if (req.url === '/bytes') { res.end(String(bytes)); return; }
      req.on('data', (c) => (bytes += c.length));
      req.on('end', () => { res.writeHead(200, { 'content-type': 'application/x-protobuf' }); res.end(); });
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) =>
    child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    stop: () => child.kill(),
    received: async () => Number(await (await fetch(`${url}/bytes`)).text()),
  };
}

function database(): { url: string; cleanup: () => void } {
  if (target.startsWith('postgres')) {
    const schema = `bench_${randomBytes(4).toString('hex')}`;
    return { url: `${target}${target.includes('?') ? '&' : '?'}schema=${schema}`, cleanup: () => undefined };
  }
  const dir = mkdtempSync(join(tmpdir(), 'tasker-trace-bench-'));
  return { url: `sqlite:${join(dir, 'bench.db')}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function round(traced: boolean, receiverUrl: string): Promise<number> {
  let provider: NodeTracerProvider | null = null;
  if (traced) {
    const exporter = new OTLPTraceExporter({ url: `${receiverUrl}/v1/traces` });
    const processor = new BatchSpanProcessor(exporter, { maxQueueSize: 100_000, scheduledDelayMillis: 200 });
    provider = new NodeTracerProvider({ spanProcessors: [processor] });
    provider.register();
  }
  const db = database();
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const tasker = await Tasker.open({
    db: db.url,
    logger: silentLogger(),
    templates: [diamond],
    concurrency: 1000,
    handlers: {
      [H]: () => {
        if (++done === STEPS) allDone();
        return null;
      },
    },
  });
  const requests = Array.from({ length: TASKS }, (_, i) => ({
    namespace: 'bench',
    name: 'diamond',
    context: { t: i },
  }));
  const t0 = performance.now();
  await tasker.submitMany(requests.slice(0, TASKS / 2));
  await tasker.submitMany(requests.slice(TASKS / 2));
  await finished;
  await tasker.idle();
  if (provider) await provider.forceFlush();
  const ms = performance.now() - t0;
  await tasker.close();
  if (provider) {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  }
  if (target.startsWith('postgres')) {
    const pg = (await import('pg')).default;
    const client = new pg.Client({ connectionString: target });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${new URL(db.url).searchParams.get('schema')}" CASCADE`);
    await client.end();
  }
  db.cleanup();
  return (ms / STEPS) * 1000;
}

function summary(values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1))]!;
  return `min ${at(0).toFixed(1)} p25 ${at(0.25).toFixed(1)} med ${at(0.5).toFixed(1)}`;
}

const receiver = await startReceiver();
const off: number[] = [];
const on: number[] = [];
try {
  await round(false, receiver.url); // warm-up, not counted
  for (let i = 0; i < rounds; i++) {
    off.push(await round(false, receiver.url));
    on.push(await round(true, receiver.url));
  }
  const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
  console.log(`tracing overhead, ${target}, ${rounds} rounds of ${TASKS} diamonds (${STEPS} steps), µs per step:`);
  console.log(`  off                ${summary(off)}`);
  console.log(`  otlp http/protobuf ${summary(on)}`);
  console.log(`  difference (medians) ${(median(on) - median(off)).toFixed(1)} µs per step`);
  console.log(`  receiver got ${(await receiver.received()) >> 10} KiB of spans`);
} finally {
  receiver.stop();
}
