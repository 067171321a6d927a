// Issue 10 item 7 on PostgreSQL: a worker whose writes fail with SQLSTATE 53100 (disk_full, raised by a trigger
// for that worker's connections only — the accepted stand-in for a full disk) keeps its outcomes and retries them.
// Its leases lapse meanwhile; another worker then takes the step back *without spending the attempt*, because the
// holder is provably alive (its presence lock), so a one-attempt step is retried instead of failed.
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import type { Tasker } from '../../src/engine/tasker.js';
import { PG_URL, postgresDb, type TestDb } from '../support/stores.js';
import { openTestEngine } from '../support/engine.js';
import { memoryLogger } from '../support/logs.js';
import { waitFor } from '../store/conformance/fixtures.js';

const template = defineTask({
  name: 'charge',
  namespace_name: 'outage',
  version: '1.0.0',
  module_namespace: 'Outage',
  step_templates: [{ name: 'charge', default_retry_limit: 1 }],
});

const BLOCKED_APP = 'tasker_outage_worker';

/** A trigger that fails every step write of BLOCKED_APP's connections with 53100 while the flag is on. */
async function installOutage(client: pg.Client, schema: string): Promise<void> {
  await client.query(`CREATE TABLE "${schema}".outage_flag (on_now boolean NOT NULL)`);
  await client.query(`INSERT INTO "${schema}".outage_flag VALUES (false)`);
  await client.query(`
    CREATE FUNCTION "${schema}".outage() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF current_setting('application_name') = '${BLOCKED_APP}' AND (SELECT on_now FROM "${schema}".outage_flag) THEN
        RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = '53100';
      END IF;
      RETURN NEW;
    END $$`);
  await client.query(
    `CREATE TRIGGER outage BEFORE UPDATE ON "${schema}".steps FOR EACH ROW EXECUTE FUNCTION "${schema}".outage()`,
  );
}

describe('a full disk while a step completes (PostgreSQL)', () => {
  let db: TestDb | undefined;
  let admin: pg.Client | undefined;
  const engines: Tasker[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.close();
    await admin?.end();
    await db?.cleanup();
  });

  it('keeps the outcome while writes fail; a lapsed lease of a live worker is retried without spending the attempt', async () => {
    db = postgresDb();
    const schema = new URL(db.url).searchParams.get('schema')!;
    admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    const setOutage = (on: boolean) => admin!.query(`UPDATE "${schema}".outage_flag SET on_now = $1`, [on]);
    let runs = 0;
    const handlers = {
      'Outage::ChargeHandler': async () => {
        runs += 1;
        if (runs === 1) await setOutage(true); // the disk fills up while the first worker charges
        return { charged: true, run: runs };
      },
    };
    const log = memoryLogger('warn');
    const worker = await openTestEngine(db, {
      db: `${db.url}&application_name=${BLOCKED_APP}`,
      templates: [template],
      handlers,
      logger: log.logger,
      leaseMs: 600,
    });
    engines.push(worker);
    await installOutage(admin, schema);
    const { task_id } = await worker.submit({ namespace: 'outage', name: 'charge', context: {} });
    await waitFor(async () => log.find('store operation failed').length >= 2, 'the completion to fail a few times');
    expect(JSON.stringify(log.find('store operation failed')[0])).toContain('53100');

    // A second worker, whose writes succeed, finds the lapsed lease of a worker that is still alive.
    const rescuerLog = memoryLogger('warn');
    const rescuer = await openTestEngine(db, {
      templates: [template],
      handlers,
      logger: rescuerLog.logger,
      leaseMs: 600,
    });
    engines.push(rescuer);
    const task = await rescuer.waitForTask(task_id, { timeoutMs: 30_000 });
    expect(task.current_state).toBe('completed');
    expect(task.workflow_steps[0]).toMatchObject({
      current_state: 'completed',
      attempts: 1,
      results: { charged: true, run: 2 },
    });
    const history = await rescuer.store.getHistory(task_id);
    expect(history.some((h) => h.reason?.includes('attempt not counted'))).toBe(true);
    expect(rescuerLog.find('lease lapsed while its worker was alive')).toHaveLength(1);
    await setOutage(false);
  }, 60_000);
});
