// W2's cost in CPU instructions, not seconds: bench/micro/w2-once.mjs (plain node) under `valgrind --tool=callgrind`, which counts
// the instructions the process executed whatever else the machine is doing, so two builds compare on a busy machine
// (wall-time A/B runs on this 2-core VM vary by more than 10% between minutes). Node runs with --single-threaded: V8's
// concurrent compiler and marking threads otherwise make the count vary by ~3% between identical runs; single-threaded
// identical runs agree within 0.1%. For each built checkout (`npm run build` or `npx tsup` in it): the instructions
// of a 1,000-diamond W2 (5,000 steps) minus those of opening and closing the engine alone, median of R rounds, and
// per step.
//   npx tsx bench/micro/w2-instructions.ts ../before . [rounds=3] [--predictable]
// --predictable also runs node with V8's --predictable: garbage collection no longer depends on wall time. Without it,
// V8's time-driven GC heuristics (idle-time scavenges, incremental-marking steps) run more or less work depending on
// how slow the run is under valgrind and on the machine's load: on a busy machine identical builds then differ by up
// to 5% between rounds, almost all of it in the collector.
// Needs valgrind (on every machine kind here); each round takes about a minute per checkout.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const predictable = process.argv.includes('--predictable');
const args = process.argv.slice(2).filter((a) => a !== '--predictable');
const rounds = args.length > 1 && /^\d+$/.test(args[args.length - 1]!) ? Number(args.pop()) : 3;
const roots = (args.length ? args : ['.']).map((p) => resolve(p));
const once = fileURLToPath(new URL('./w2-once.mjs', import.meta.url));
const TASKS = 1000;

function instructions(root: string, n: number): number {
  const r = spawnSync(
    'valgrind',
    [
      '--tool=callgrind',
      '--callgrind-out-file=/dev/null',
      process.execPath,
      '--single-threaded',
      ...(predictable ? ['--predictable'] : []),
      once,
      root,
      String(n),
    ],
    { encoding: 'utf8' },
  );
  const m = /Collected : (\d+)/.exec(r.stderr);
  if (r.status !== 0 || !m) throw new Error(`valgrind failed for ${root} (n=${n}):\n${r.stderr.slice(-2000)}`);
  return Number(m[1]);
}

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor((v.length - 1) / 2)]!;
const results = new Map<string, number[]>(roots.map((r) => [r, []]));
for (let i = 0; i < rounds; i++) {
  for (const root of roots) {
    const w2 = instructions(root, TASKS) - instructions(root, 0);
    results.get(root)!.push(w2);
    console.log(`round ${i + 1} ${root}: ${(w2 / 1e6).toFixed(0)} M instructions`);
  }
}
const base = median(results.get(roots[0]!)!);
for (const root of roots) {
  const v = results.get(root)!;
  const m = median(v);
  const vs = root === roots[0] ? '' : ` (${(((m - base) / base) * 100).toFixed(1)}% vs first)`;
  console.log(
    `${root}: W2 median ${(m / 1e6).toFixed(0)} M instr, ${(m / (TASKS * 5) / 1e3).toFixed(1)} k/step, ` +
      `spread ${((Math.max(...v) - Math.min(...v)) / 1e6).toFixed(0)} M${vs}`,
  );
}
