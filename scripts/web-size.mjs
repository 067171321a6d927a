#!/usr/bin/env node
// Prints the dashboard's JavaScript size (dist/web/assets/*.js, raw and gzipped) after `vite build`, and fails
// the build when the gzipped total passes the budget of 250 KB.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const BUDGET = 250 * 1024;
const dir = join(import.meta.dirname, '..', 'dist', 'web', 'assets');
let raw = 0;
let gzip = 0;
for (const name of readdirSync(dir)) {
  if (!name.endsWith('.js')) continue;
  const body = readFileSync(join(dir, name));
  raw += body.length;
  gzip += gzipSync(body, { level: 9 }).length;
}
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`dashboard JavaScript: ${kb(raw)}, ${kb(gzip)} gzipped (budget ${kb(BUDGET)})`);
if (gzip > BUDGET) {
  console.error(`the dashboard's JavaScript is over budget: ${kb(gzip)} gzipped > ${kb(BUDGET)}`);
  process.exit(1);
}
