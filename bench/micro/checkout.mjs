// What the plain-JavaScript micro-benchmarks share: loading a BUILT checkout (its dist/ and its own copies of pino,
// pg and better-sqlite3, so two builds can be alternated in one session), the one-step template of W1, and a fresh
// PostgreSQL schema behind an admin connection.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

/** The checkout at `root` (default: this directory's checkout): its built library and a require of its packages. */
export async function loadCheckout(root = process.cwd()) {
  const dir = resolve(root);
  return {
    root: dir,
    lib: await import(join(dir, 'dist/index.js')),
    require: createRequire(join(dir, 'package.json')),
  };
}

/** W1's template: one step, served by the handler class `Bench::H`. */
export function flatTemplate(lib) {
  return lib.defineTask({
    name: 'flat',
    namespace_name: 'bench',
    version: '1.0.0',
    step_templates: [{ name: 'a', handler_class: 'Bench::H' }],
  });
}

/** An admin connection to `base` with `schema` dropped (the run's engine creates it again); end it when done. */
export async function freshSchema(pg, base, schema) {
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  return admin;
}

/** Drop `schema` again and end the admin connection `freshSchema` opened. */
export async function dropSchema(admin, schema) {
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
