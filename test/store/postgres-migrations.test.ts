// PostgreSQL store opening: URL and option handling, versioned migrations in their own schema, idempotent
// re-opens, many processes opening a fresh schema at once (advisory lock), running on a newer schema whose later
// migrations keep this release working, and refusing one that needs a newer Tasker.
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreSchemaError, StoreUrlError } from '../../src/core/errors.js';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS } from '../../src/store/postgres/migrations.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { openPostgresStore } from '../../src/store/postgres/open-postgres-store.js';
import { parsePostgresUrl } from '../../src/store/postgres/url.js';
import { schemaNames } from '../../src/store/postgres/sql.js';
import { installPostgresSchema } from '../support/old-schema.js';

const PG_URL = process.env.TASKER_TEST_PG_URL ?? 'postgres://root@127.0.0.1:5432/test';
const schemas: string[] = [];

function freshSchema(prefix = 'mig'): string {
  const schema = `${prefix}_${Math.random().toString(36).slice(2, 10)}`;
  schemas.push(schema);
  return schema;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  await admin(async (c) => {
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS ${pg.escapeIdentifier(s)} CASCADE`);
  });
});

async function migrationRows(schema: string): Promise<number[]> {
  return admin(async (c) => {
    const res = await c.query<{ version: number }>(
      `SELECT version FROM ${pg.escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
    );
    return res.rows.map((r) => Number(r.version));
  });
}

describe('PostgreSQL store URL handling', () => {
  it('takes the schema from ?schema=, strips it for pg, and hides the password', () => {
    const p = parsePostgresUrl('postgresql://user:secret@db.example:5433/app?schema=jobs&sslmode=disable');
    expect(p.schema).toBe('jobs');
    expect(p.connectionString).not.toContain('schema=');
    expect(p.connectionString).toContain('sslmode=disable');
    expect(p.displayUrl).not.toContain('secret');
    expect(p.displayUrl).toContain('schema=jobs');
    expect(parsePostgresUrl('postgres://u@h/db').schema).toBe('tasker');
    expect(parsePostgresUrl('postgres://u@h/db', 'other').schema).toBe('other');
  });

  it('rejects bad schema names, conflicting schemas and non-PostgreSQL URLs with clear messages', () => {
    expect(() => parsePostgresUrl('postgres://u@h/db?schema=bad-name')).toThrow(StoreUrlError);
    expect(() => parsePostgresUrl('postgres://u@h/db?schema=bad-name')).toThrow(/schema name "bad-name"/);
    expect(() => parsePostgresUrl(`postgres://u@h/db?schema=${'x'.repeat(64)}`)).toThrow(/at most 63/);
    expect(() => parsePostgresUrl('postgres://u@h/db?schema=a', 'b')).toThrow(
      /names schema "a" but the schema option says "b"/,
    );
    expect(() => parsePostgresUrl('mysql://u@h/db')).toThrow(/not a PostgreSQL URL/);
  });

  it('rejects a bad pool size before connecting', async () => {
    await expect(openPostgresStore(PG_URL, { schema: freshSchema(), poolSize: 0 })).rejects.toThrow(/poolSize/);
  });
});

describe('PostgreSQL migrations', () => {
  it('creates the schema, its tables and one row per migration on a fresh schema', async () => {
    const schema = freshSchema();
    const store = await openPostgresStore(`${PG_URL}?schema=${schema}`);
    try {
      expect(store.kind).toBe('postgres');
      expect(store.schema).toBe(schema);
      expect(store.url).toContain(`schema=${schema}`);
      await store.ping();
      const tables = await admin(async (c) => {
        const res = await c.query<{ table_name: string }>(
          'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
          [schema],
        );
        return res.rows.map((r) => r.table_name);
      });
      expect(tables).toEqual([
        'annotations',
        'concurrency_groups',
        'paused_templates',
        'rate_buckets',
        'rate_limits',
        'schedule_ticks',
        'schedules',
        'schema_migrations',
        'signals',
        'step_edges',
        'steps',
        'tasks',
        'template_definitions',
        'transitions',
        'workers',
      ]);
      expect(await migrationRows(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await store.close();
    }
  });

  it('re-opens an up-to-date schema without changing it, keeping the data', async () => {
    const schema = freshSchema();
    const first = await openPostgresStore(PG_URL, { schema });
    await first.workers.registerWorker({ worker_id: 'w-keep', hostname: 'h', pid: 1, namespaces: null });
    await first.close();
    const second = await openPostgresStore(PG_URL, { schema });
    try {
      expect((await second.workers.listWorkers()).map((w) => w.worker_id)).toEqual(['w-keep']);
      expect(await migrationRows(schema)).toEqual(MIGRATIONS.map((m) => m.version));
    } finally {
      await second.close();
    }
  });

  it('lets many processes open a fresh schema at once: each migration is applied exactly once', async () => {
    const schema = freshSchema('migrace');
    const opened = await Promise.allSettled(
      Array.from({ length: 8 }, () => openPostgresStore(`${PG_URL}?schema=${schema}`, { poolSize: 2 })),
    );
    const stores = opened.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    try {
      expect(opened.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(stores).toHaveLength(8);
      expect(await migrationRows(schema)).toEqual(MIGRATIONS.map((m) => m.version));
      await Promise.all(stores.map((s) => s.ping()));
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  /** Records migrations of a newer Tasker in the schema: [version, name, compatible_from]. */
  async function recordFuture(schema: string, rows: Array<[number, string, number]>): Promise<void> {
    await admin(async (c) => {
      for (const row of rows) {
        await c.query(
          `INSERT INTO ${pg.escapeIdentifier(schema)}.schema_migrations (version, name, compatible_from) ` +
            'VALUES ($1, $2, $3)',
          row,
        );
      }
    });
  }

  it('runs on a schema a newer Tasker migrated when its later migrations keep this release working', async () => {
    const schema = freshSchema();
    await (await openPostgresStore(PG_URL, { schema })).close();
    const future = LATEST_SCHEMA_VERSION + 2;
    await recordFuture(schema, [[future, 'an expand-only step', 0]]);
    for (const migrate of [true, false]) {
      const store = await openPostgresStore(PG_URL, { schema, migrate });
      try {
        await store.workers.registerWorker({ worker_id: `w-${migrate}`, hostname: 'h', pid: 1, namespaces: null });
        expect((await store.workers.listWorkers()).map((w) => w.worker_id)).toContain(`w-${migrate}`);
      } finally {
        await store.close();
      }
    }
    expect(await migrationRows(schema)).toEqual([...MIGRATIONS.map((m) => m.version), future]);
  });

  it('refuses a schema whose newer migration needs a newer Tasker with StoreSchemaError, leaving it untouched', async () => {
    const schema = freshSchema();
    await (await openPostgresStore(PG_URL, { schema })).close();
    const future = LATEST_SCHEMA_VERSION + 7;
    await recordFuture(schema, [
      [LATEST_SCHEMA_VERSION + 1, 'an expand-only step', 0],
      [future, 'drop a column', LATEST_SCHEMA_VERSION + 3],
    ]);
    for (const migrate of [true, false]) {
      const attempt = openPostgresStore(PG_URL, { schema, migrate });
      await expect(attempt).rejects.toBeInstanceOf(StoreSchemaError);
      await expect(attempt).rejects.toThrow(
        `PostgreSQL schema "${schema}" is at version ${future}, and its migration ${future} (drop a column) needs ` +
          `a Tasker that knows version ${LATEST_SCHEMA_VERSION + 3} or later; this one knows versions up to ` +
          `${LATEST_SCHEMA_VERSION}: upgrade Tasker or use another schema`,
      );
    }
    expect(await migrationRows(schema)).toEqual([
      ...MIGRATIONS.map((m) => m.version),
      LATEST_SCHEMA_VERSION + 1,
      future,
    ]);
  });

  it('records a contract migration, after which this release refuses the schema', async () => {
    const schema = freshSchema();
    const contract = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'drop a column',
      statements: () => [],
      compatibleFrom: LATEST_SCHEMA_VERSION + 1,
    };
    const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
    try {
      const report = await migrate(pool, schemaNames(schema), silentLogger(), [...MIGRATIONS, contract]);
      expect(report.applied).toEqual([...MIGRATIONS.map((m) => m.version), contract.version]);
    } finally {
      await pool.end();
    }
    const recorded = await admin(async (c) => {
      const res = await c.query<{ compatible_from: number }>(
        `SELECT compatible_from FROM ${pg.escapeIdentifier(schema)}.schema_migrations ORDER BY version`,
      );
      return res.rows.map((r) => r.compatible_from);
    });
    expect(recorded).toEqual([...MIGRATIONS.map(() => 0), contract.compatibleFrom]);
    await expect(openPostgresStore(PG_URL, { schema })).rejects.toThrow(
      `its migration ${contract.version} (drop a column) needs a Tasker that knows version ${contract.version} or later`,
    );
  });

  it('upgrades a version-2 schema with work in flight, and the previous release keeps completing steps', async () => {
    const schema = freshSchema('upgrade');
    const names = schemaNames(schema);
    await installPostgresSchema(schema, 2);
    const store = await openPostgresStore(PG_URL, { schema });
    try {
      expect(await migrationRows(schema)).toEqual(MIGRATIONS.map((m) => m.version));
      const created = await store.createTask({
        namespace: 'up',
        name: 'grade',
        version: '1.0.0',
        context: {},
        initiator: null,
        source_system: null,
        reason: null,
        tags: [],
        idempotency_key: null,
        correlation_id: 'c1',
        steps: ['a', 'b'].map((n, i) => ({
          name: n,
          handler_class: `H::${n}`,
          depends_on: i ? ['a'] : [],
          retry_limit: 3,
          retryable: true,
          timeout_ms: null,
          skippable: false,
          initial_state: 'pending' as const,
        })),
      });
      const [a] = await store.claimSteps({ workerId: 'old-release', limit: 5, leaseMs: 60_000 });
      // What a worker of the previous release sends: the v1 function, which migration 3 left in place.
      const reply = await admin(async (c) => {
        const args = [
          [a!.step_id],
          [created.task_id],
          [1],
          ['completed'],
          ['{"ok":true}'],
          [null],
          [null],
          [0],
          'old-release',
          [],
          [],
          [],
          [],
          [],
          5,
          60_000,
          null,
        ];
        const sql = `SELECT ${names.q}.complete_steps_v1(${args.map((_, i) => `$${i + 1}`).join(', ')}) AS r`;
        return (await c.query(sql, args)).rows[0].r as { applied: number[]; claimed: Array<{ name: string }> };
      });
      expect(reply.applied).toEqual([a!.step_id]);
      expect(reply.claimed.map((x) => x.name)).toEqual(['b']);
      const task = (await store.getTask(created.task_id))!;
      expect(task.planned).toBe(true);
      expect(task.workflow_steps.map((s) => s.current_state)).toEqual(['completed', 'running']);
    } finally {
      await store.close();
    }
  });
});
