// The flow-control example of cron schedules (examples/flow-control/sales_rollup.yaml with examples/handlers/): it
// loads without an issue with its two schedules, and a tick's task runs to the end with the example handlers, the
// rollup window ending at the tick.
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { openTestEngine, EXAMPLES_HANDLERS } from '../support/engine.js';
import { sqliteDb } from '../support/stores.js';

const EXAMPLE = 'examples/flow-control/sales_rollup.yaml';

describe('the cron schedule example', () => {
  it('loads with its schedules', async () => {
    const { templates, issues } = await loadTemplates([EXAMPLE]);
    expect(issues).toEqual([]);
    expect(templates[0]!.template.schedules).toEqual([
      {
        name: 'hourly_rollup',
        cron: '0 * * * *',
        timezone: 'Europe/Paris',
        context: { window: '1h' },
        catch_up: 'latest',
        enabled: true,
      },
      {
        name: 'nightly_rollup',
        cron: '30 2 * * *',
        timezone: 'Europe/Paris',
        context: { window: '1d' },
        catch_up: 'all',
        enabled: true,
      },
    ]);
  });

  it("runs a tick's task with the example handlers, over the window that ends at the tick", async () => {
    const db = sqliteDb();
    process.env.TASKER_EXAMPLE_IO_SCALE = '0';
    const tasker = await openTestEngine(db, { templates: [EXAMPLE], handlers: EXAMPLES_HANDLERS, schedules: false });
    try {
      await tasker.schedules.tick(); // records the schedules, as a worker does when it starts
      const hour = 3_600_000;
      const tickAt = Math.ceil(Date.now() / hour) * hour + hour;
      const created = await tasker.schedules.tick(tickAt);
      const hourly = created.filter((c) => c.schedule === 'reports/sales_rollup/hourly_rollup');
      expect(hourly.map((c) => c.tick_at)).toEqual([tickAt - hour, tickAt]); // every hour since it was watched
      const task = await tasker.waitForTask(hourly[1]!.task_id, { timeoutMs: 30_000 });
      expect(task.current_state).toBe('completed');
      const collected = task.workflow_steps.find((s) => s.name === 'collect_sales')!.results;
      expect(collected).toMatchObject({
        from: new Date(tickAt - hour).toISOString(),
        until: new Date(tickAt).toISOString(),
      });
      expect(task.workflow_steps.find((s) => s.name === 'publish_report')!.results).toMatchObject({ published: true });
    } finally {
      await tasker.close();
      delete process.env.TASKER_EXAMPLE_IO_SCALE;
      await db.cleanup();
    }
  });
});
