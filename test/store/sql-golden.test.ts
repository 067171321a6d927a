// Golden SQL: every statement the stores send — each file of src/store/{postgres,sqlite}/sql/, the list and claim
// shapes, and every migration — rendered (PostgreSQL for schema `tasker`) and compared with the committed text under
// test/store/golden/, so any SQL change shows in review as a diff of a .sql file. After a deliberate change:
// `npm run golden:update`, then review and commit the rewritten files. Also checked: no SQL is written outside those
// folders, the PostgreSQL store prepares every statement of sql/, and the history reasons the PostgreSQL SQL
// writes literally are the shared ones the SQLite store passes as parameters.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REASONS } from '../../src/store/shared/lifecycle-rules.js';
import { NULL_SORT_VALUE, type NormalizedListFilter } from '../../src/store/shared/list-query.js';
import { MIGRATIONS as PG_MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { PG_STATEMENTS } from '../../src/store/postgres/sql/index.js';
import { listTasksQuery as pgListQuery } from '../../src/store/postgres/sql/list-tasks.js';
import type { PgStatement } from '../../src/store/postgres/sql/statement.js';
import { MIGRATIONS as SQLITE_MIGRATIONS } from '../../src/store/sqlite/migrations.js';
import { claimQuery } from '../../src/store/sqlite/sql/claim.js';
import { listTasksQuery as sqliteListQuery } from '../../src/store/sqlite/sql/list-tasks.js';

const REPO = resolve(import.meta.dirname, '../..');
const GOLDEN = join(import.meta.dirname, 'golden');
const SCHEMA = schemaNames('tasker');

/** A section of a golden file: a header naming the statement, its exact text, `;`. */
const section = (title: string, text: string): string => `-- ${title}\n${text};\n`;

/** Files of a folder (recursively), relative to it. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** The modules of a store's sql/ folder with their exports, in file order. */
async function sqlModules(store: 'postgres' | 'sqlite'): Promise<Array<[string, Record<string, unknown>]>> {
  const dir = join(REPO, 'src/store', store, 'sql');
  const out: Array<[string, Record<string, unknown>]> = [];
  for (const file of filesUnder(dir)) {
    if (!file.endsWith('.ts') || file === 'index.ts' || file === 'statement.ts') continue;
    out.push([basename(file, '.ts'), (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>]);
  }
  return out;
}

const isPgStatement = (v: unknown): v is PgStatement =>
  typeof v === 'object' && v !== null && typeof (v as PgStatement).render === 'function' && 'name' in v;

/** List page shapes: every sort and order, with and without a cursor, and every filter at once. */
function listShapes(): Array<[string, NormalizedListFilter]> {
  const none = {
    namespace: null,
    name: null,
    version: null,
    states: null,
    created_after: null,
    created_before: null,
    limit: 50,
    cursor: null,
  };
  const shapes: Array<[string, NormalizedListFilter]> = [];
  for (const sort of ['task_id', 'created_at', 'completed_at'] as const) {
    for (const order of ['asc', 'desc'] as const) {
      shapes.push([`sort ${sort} ${order}`, { ...none, sort, order }]);
      const cursor = { sort, order, value: NULL_SORT_VALUE, task_id: 7 };
      shapes.push([`sort ${sort} ${order}, after a cursor`, { ...none, sort, order, cursor }]);
    }
  }
  const all = { namespace: 'ns', name: 'n', version: '1.0.0', states: ['running' as const] };
  shapes.push([
    'every filter',
    { ...none, ...all, created_after: 1, created_before: 2, sort: 'created_at', order: 'desc' },
  ]);
  return shapes;
}

/** Renderers for the exports of sql/ that are builders rather than statements. */
const BUILDERS: Record<string, () => string> = {
  'postgres/list-tasks.listTasksQuery': () =>
    listShapes()
      .map(([title, f]) => {
        const { statement, params } = pgListQuery(SCHEMA, f);
        return section(`${title} (${params.length} parameters)`, statement.text);
      })
      .join('\n'),
  'sqlite/list-tasks.listTasksQuery': () =>
    listShapes()
      .map(([title, f]) => {
        const { sql, params } = sqliteListQuery(f);
        return section(`${title} (${params.length} parameters)`, sql);
      })
      .join('\n'),
  'sqlite/claim.claimQuery': () =>
    [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ]
      .map(([ns, tpl]) =>
        section(`claimQuery limit 10${ns ? ', namespaces' : ''}${tpl ? ', templates' : ''}`, claimQuery(10, ns!, tpl!)),
      )
      .join('\n'),
};

/**
 * The names of a store's migration files (`0001-initial-tables`), one per migration, in version order: each file's
 * number is its migration's version (numbers may skip one that was reserved and never shipped).
 */
function migrationFiles(store: 'postgres' | 'sqlite', versions: number[]): string[] {
  const names = filesUnder(join(REPO, 'src/store', store, 'migrations')).map((f) => basename(f, '.ts'));
  expect(names.map((n) => Number(n.slice(0, 4)))).toEqual(versions);
  return names;
}

/** Every golden file and its expected content, by path under golden/. */
async function renderAll(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const store of ['postgres', 'sqlite'] as const) {
    for (const [module, exports] of await sqlModules(store)) {
      const parts: string[] = [];
      for (const [key, value] of Object.entries(exports)) {
        const builder = BUILDERS[`${store}/${module}.${key}`];
        if (builder) parts.push(builder());
        else if (store === 'postgres' && isPgStatement(value))
          parts.push(section(`${key} (${value.name})`, value.render(SCHEMA)));
        else if (store === 'sqlite' && typeof value === 'string') parts.push(section(key, value));
        else
          throw new Error(`src/store/${store}/sql/${module}.ts exports ${key}, which is neither SQL nor rendered here`);
      }
      files.set(`${store}/${module}.sql`, parts.join('\n'));
    }
  }
  const pgFiles = migrationFiles(
    'postgres',
    PG_MIGRATIONS.map((m) => m.version),
  );
  PG_MIGRATIONS.forEach((m, i) => {
    const statements = m.statements(SCHEMA).map((s, k, all) => section(`statement ${k + 1} of ${all.length}`, s));
    files.set(`postgres/migrations/${pgFiles[i]}.sql`, [`-- ${m.version}: ${m.name}\n`, ...statements].join('\n'));
  });
  const sqliteFiles = migrationFiles(
    'sqlite',
    SQLITE_MIGRATIONS.map((m) => m.version),
  );
  SQLITE_MIGRATIONS.forEach((m, i) => {
    const flag = m.rebuildsTables ? ' (rebuilds tables: foreign keys off, checked before commit)' : '';
    files.set(`sqlite/migrations/${sqliteFiles[i]}.sql`, `-- ${m.version}: ${m.name}${flag}\n${m.sql}\n`);
  });
  return files;
}

describe('golden SQL', async () => {
  const files = await renderAll();

  it.each([...files.keys()])('%s matches the committed text', async (path) => {
    await expect(files.get(path)).toMatchFileSnapshot(join(GOLDEN, path));
  });

  it('has no golden file for SQL that no longer exists', () => {
    const stale = filesUnder(GOLDEN).filter((f) => !files.has(f));
    expect(stale, 'remove these, or run npm run golden:update after deleting them').toEqual([]);
  });

  it('the PostgreSQL store prepares every statement of sql/', async () => {
    const prepared = new Set<unknown>(Object.values(PG_STATEMENTS));
    const missing: string[] = [];
    for (const [module, exports] of await sqlModules('postgres')) {
      for (const [key, value] of Object.entries(exports))
        if (isPgStatement(value) && !prepared.has(value)) missing.push(`${module}.${key}`);
    }
    expect(missing).toEqual([]);
    const names = Object.values(PG_STATEMENTS).map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('the PostgreSQL SQL writes the shared history reasons', () => {
    const text = Object.values(PG_STATEMENTS)
      .map((s) => s.render(SCHEMA))
      .join('\n');
    for (const reason of [REASONS.submitted, REASONS.claimed, REASONS.allStepsDone, REASONS.stepFailed]) {
      expect(text).toContain(`'${reason}'`);
    }
  });
});

describe('SQL lives in sql/ and migrations/ only', () => {
  const SQL =
    /\b(SELECT|INSERT INTO|UPDATE \S+ (\w+ )?SET|DELETE FROM|CREATE (TEMP )?(TABLE|INDEX|SCHEMA)|ALTER TABLE|LISTEN ["$])/;

  it.each(['postgres', 'sqlite'])('no other %s store file holds a statement', (store) => {
    const dir = join(REPO, 'src/store', store);
    const offenders = filesUnder(dir)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('sql/') && !f.startsWith('migrations/'))
      .flatMap((f) => {
        const code = readFileSync(join(dir, f), 'utf8')
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/^\s*\/\/.*$/gm, '');
        return code
          .split('\n')
          .map((line, i) => [`${f}:${i + 1}`, line] as const)
          .filter(([, line]) => SQL.test(line))
          .map(([where, line]) => `${where}: ${line.trim()}`);
      });
    expect(offenders).toEqual([]);
  });
});
