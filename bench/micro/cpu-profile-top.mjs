// The functions a V8 CPU profile (`node --cpu-prof`) spent its samples in: self time (the function itself, and the
// native calls it makes, such as better-sqlite3's statements) and inclusive time (with its callees), in percent of
// the samples that were not idle. What the *What bounds* paragraphs of docs/benchmarks.md split a run's CPU by.
//   node --cpu-prof --cpu-prof-dir=/tmp/prof bench/micro/sqlite-w1.mjs . 500 20000
//   node bench/micro/cpu-profile-top.mjs /tmp/prof/CPU.*.cpuprofile [rows=30]
import { readFileSync } from 'node:fs';

const file = process.argv[2];
const rows = Number(process.argv[3] ?? 30);
if (!file) throw new Error('usage: cpu-profile-top.mjs <file.cpuprofile> [rows]');
const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n) => {
  const f = n.callFrame;
  const where = f.url ? `${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}` : '';
  return `${f.functionName || '(anonymous)'} ${where}`.trim();
};

// microseconds per sampled node
const sampled = new Map();
profile.samples.forEach((id, i) => sampled.set(id, (sampled.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
let busy = 0;
const self = new Map();
const inclusive = new Map();
for (const [id, us] of sampled) {
  const node = nodes.get(id);
  if (node.callFrame.functionName === '(idle)') continue;
  busy += us;
  self.set(label(node), (self.get(label(node)) ?? 0) + us);
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const key = label(nodes.get(cur));
    if (seen.has(key)) continue; // a recursive frame counts once
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + us);
  }
}
const top = (m) =>
  [...m]
    .filter(([k]) => k !== '(root)')
    .sort((a, b) => b[1] - a[1])
    .slice(0, rows)
    .map(([k, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${k}`)
    .join('\n');
console.log(`busy ${(busy / 1000).toFixed(0)} ms of ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
console.log(`--- self\n${top(self)}\n--- inclusive\n${top(inclusive)}`);
