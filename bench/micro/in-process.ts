// A/B micro-benchmark of the engine's hot path on the embedded store, in one process, without the harness:
// W2 (1,000 diamonds A→(B,C,D)→E, submitted with two submitMany calls) and W3 (a 100-step chain), each repeated and
// reported as min / p25 / median (W2 also as this process's CPU time, less sensitive to a busy machine than wall
// time). Pass another checkout's path to measure it with the same script, e.g.
//   npx tsx bench/micro/in-process.ts            # this tree
//   npx tsx bench/micro/in-process.ts ../old     # another checkout (its src/index.ts), for before/after figures
// Alternate the two a few times on a quiet machine; the harness (`npm run bench`) remains the reference.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(process.argv[2] ?? join(fileURLToPath(new URL('.', import.meta.url)), '..', '..'));
const rounds = Number(process.argv[3] ?? 12);
const lib = await import(join(root, 'src/index.ts'));
const { Tasker, defineTask } = lib;
// Internals by path (the public entry exports no logger helpers); present in older checkouts too.
const { silentLogger } = await import(join(root, 'src/telemetry/logger.ts'));

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
const chain = defineTask({
  name: 'chain',
  namespace_name: 'bench',
  version: '1.0.0',
  step_templates: Array.from({ length: 100 }, (_, i) =>
    i ? { name: `s${i}`, handler_class: H, depends_on_step: `s${i - 1}` } : { name: 's0', handler_class: H },
  ),
});

function summary(values: number[], digits = 0): string {
  const s = [...values].sort((a, b) => a - b);
  const at = (q: number) => s[Math.floor(q * (s.length - 1))]!.toFixed(digits);
  return `min ${at(0)} p25 ${at(0.25)} med ${at(0.5)}`;
}

const w2: number[] = [];
const w2cpu: number[] = [];
const submit: number[] = [];
const w3: number[] = [];
for (let round = 0; round < rounds; round++) {
  const dir = mkdtempSync(join(tmpdir(), 'tasker-micro-'));
  let done = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const tasker = await Tasker.open({
    db: `sqlite:${join(dir, 'bench.db')}`,
    logger: silentLogger(),
    templates: [diamond, chain],
    concurrency: 1000,
    handlers: {
      [H]: (task: { name: string }) => {
        if (task.name === 'diamond' && ++done === 5000) allDone();
        return null;
      },
    },
  });
  const requests = Array.from({ length: 1000 }, (_, i) => ({ namespace: 'bench', name: 'diamond', context: { t: i } }));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  await tasker.submitMany(requests.slice(0, 500));
  await tasker.submitMany(requests.slice(500));
  submit.push(performance.now() - t0);
  await finished;
  w2.push(performance.now() - t0);
  const c1 = process.cpuUsage(c0);
  w2cpu.push((c1.user + c1.system) / 1000);
  const t1 = performance.now();
  await tasker.run({ namespace: 'bench', name: 'chain', context: {} });
  w3.push(((performance.now() - t1) / 100) * 1000);
  await tasker.close();
  rmSync(dir, { recursive: true, force: true });
}
console.log(
  `${root}\n  W2 wall ms ${summary(w2)} | cpu ms ${summary(w2cpu)} | submit ms ${summary(submit)}\n  W3 µs/step ${summary(w3, 1)}`,
);
