// One W2 run (N diamonds A→(B,C,D)→E on a fresh SQLite file, in one process, submitted with two submitMany calls)
// against a BUILT checkout (its dist/), as plain JavaScript: no loader transforms the code being measured (tsx would
// recompile the checkout's dist/ with keepNames, which wraps every closure and getter of an object literal). Run by
// bench/micro/w2-instructions.ts under valgrind; N = 0 opens and closes the engine only (the fixed cost to subtract).
//   node bench/micro/w2-once.mjs /path/to/checkout 1000
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const root = process.argv[2] ?? process.cwd();
const n = Number(process.argv[3] ?? 1000);
const lib = await import(join(root, 'dist/index.js'));
const pino = createRequire(join(root, 'package.json'))('pino');
const H = 'Bench::H';
const diamond = lib.defineTask({
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
const dir = mkdtempSync(join(tmpdir(), 'tasker-w2-once-'));
let done = 0;
let allDone;
const finished = new Promise((r) => (allDone = r));
const tasker = await lib.Tasker.open({
  db: `sqlite:${join(dir, 'bench.db')}`,
  logger: pino({ level: 'silent' }),
  templates: [diamond],
  concurrency: 1000,
  handlers: {
    [H]: () => {
      if (++done === n * 5) allDone();
      return null;
    },
  },
});
const requests = Array.from({ length: n }, (_, i) => ({ namespace: 'bench', name: 'diamond', context: { t: i } }));
const t0 = performance.now();
if (n > 0) {
  await tasker.submitMany(requests.slice(0, n / 2));
  await tasker.submitMany(requests.slice(n / 2));
  await finished;
}
const ms = performance.now() - t0;
await tasker.close();
rmSync(dir, { recursive: true, force: true });
console.log(`${root} W2 n=${n} ${ms.toFixed(0)} ms`);
