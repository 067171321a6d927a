// SQLite keeps what each worker can run in a per-connection TEMP table that the claim filters on (claim.ts). Those
// rows are written inside the claim's transaction, so a claim that rolls back (here: a real SQLITE_FULL from
// PRAGMA max_page_count) must not leave the store believing they are there: the next claim writes them again and
// finds the steps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/store/sqlite/open-sqlite-store.js';
import type { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { newTask, step } from './conformance/fixtures.js';

describe('claim capabilities on SQLite', () => {
  let dir: string | undefined;
  let store: SqliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('writes the capability rows again after a claim that rolled back', async () => {
    dir = mkdtempSync(join(tmpdir(), 'tasker-cap-'));
    store = await openSqliteStore(join(dir, 'x.db'));
    await store.createTasks(
      Array.from({ length: 200 }, () => newTask([step('a')], { context: { pad: 'x'.repeat(2000) } })),
    );
    const templates = ['conformance/sample@1.0.0'];
    const pages = store.db.pragma('page_count', { simple: true }) as number;
    store.db.pragma(`max_page_count = ${pages}`);
    const full = await store
      .claimSteps({ workerId: 'w', limit: 200, leaseMs: 60_000, templates })
      .catch((e: { code?: string }) => e);
    expect((full as { code?: string }).code).toBe('SQLITE_FULL');
    store.db.pragma('max_page_count = 1073741823');
    const claimed = await store.claimSteps({ workerId: 'w', limit: 200, leaseMs: 60_000, templates });
    expect(claimed).toHaveLength(200);
  });
});
