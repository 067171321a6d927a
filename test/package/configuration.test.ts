// Configuration has one home: process.env is read only by src/core/environment.ts (the resolver passes it on) and
// the CLI, every TASKER_* variable the code names is in its table, and README.md's "Configuration" section lists
// every variable and every default of the table.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TASKER_DEFAULTS } from '../../src/core/defaults.js';
import { TASKER_VARIABLES } from '../../src/core/environment.js';

const ROOT = resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

const files = sources(join(ROOT, 'src')).map((f) => ({ path: relative(ROOT, f), text: readFileSync(f, 'utf8') }));

/** Code without its comments, so a comment mentioning process.env or a variable does not count. */
function code(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('where configuration comes from', () => {
  it('reads process.env only in src/core/environment.ts, as the resolver default, and in the CLI', () => {
    const readers = files.filter((f) => /process\.env\b/.test(code(f.text))).map((f) => f.path);
    expect(readers.filter((p) => !p.startsWith('src/cli/')).sort()).toEqual([
      'src/core/environment.ts',
      'src/engine/options.ts',
    ]);
    const options = code(files.find((f) => f.path === 'src/engine/options.ts')!.text);
    expect(options.match(/process\.env\b.*/g)).toEqual(['process.env,']); // the default of `env`, nothing else
  });

  it('names no TASKER_* variable that is missing from TASKER_VARIABLES', () => {
    const identifiers = new Set(['TASKER_DEFAULTS', 'TASKER_VARIABLES', 'TASKER_STATUS', 'TASKER_ERROR_CODES']);
    const named = new Set(files.flatMap((f) => [...code(f.text).matchAll(/\bTASKER_[A-Z_]+\b/g)].map((m) => m[0])));
    const unlisted = [...named].filter((n) => !identifiers.has(n) && !(n in TASKER_VARIABLES));
    expect(unlisted).toEqual([]);
  });

  it("lists every variable and every default in README.md's Configuration section", () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(
      readme.indexOf('\n## Configuration'),
      readme.indexOf('\n## ', readme.indexOf('\n## Configuration') + 1),
    );
    expect(section.length).toBeGreaterThan(100);
    for (const name of Object.keys(TASKER_VARIABLES)) expect(section, name).toContain(`\`${name}\``);
    const rows = section.split('\n').filter((l) => l.startsWith('| `'));
    const row = (option: string): string => rows.find((r) => r.startsWith(`| \`${option}\``)) ?? `no row for ${option}`;
    for (const [option, value] of Object.entries(TASKER_DEFAULTS)) {
      if (typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) expect(row(option), `${option}.${k}`).toContain(`${k}: ${v}`);
      } else {
        expect(row(option), option).toMatch(new RegExp(`\\| \`?${value}\`?( ms)?( |\\||:)`));
      }
    }
  });
});
