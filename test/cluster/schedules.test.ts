// Cron schedules ticked by three `tasker worker` processes on the real PostgreSQL, no leader: three every-second
// schedules (catch_up none, latest, all) tick for a few seconds, every worker is stopped for a few seconds, three
// start again. Asserted as invariants on the recorded scheduled_for values, never on timings: one task per tick,
// none doubled; no tick skipped while workers ran; after the stop, `none` resumes at the first on-time tick O of the
// restarted workers, `latest` has exactly one tick more (the one before O), `all` has every tick of the gap.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { postgresDb, type TestDb } from '../support/stores.js';
import { ClusterFixture } from './cluster-fixture.js';

const MODES = ['none', 'latest', 'all'] as const;
const SECOND = 1000;

const TICKING = `---
name: ticking
namespace_name: cluster
version: 1.0.0
module_namespace: Cluster
step_templates:
  - name: a
schedules:
${MODES.map((m) => `  - { name: every_second_${m}, cron: "* * * * * *", catch_up: ${m} }`).join('\n')}
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('cron schedules ticked by three worker processes on PostgreSQL', () => {
  let db: TestDb;
  let fixture: ClusterFixture;
  let reader: Tasker | undefined;

  beforeEach(() => {
    db = postgresDb();
    fixture = new ClusterFixture();
    writeFileSync(join(fixture.templates, 'ticking.yaml'), TICKING);
  });
  afterEach(async () => {
    await fixture.stopAll();
    await reader?.close();
    reader = undefined;
    await fixture.cleanup();
    await db.cleanup();
  });

  /** Every tick's scheduled_for (epoch ms) by schedule, from the tasks in the store. */
  async function ticks(): Promise<Record<string, number[]>> {
    const out: Record<string, number[]> = Object.fromEntries(MODES.map((m) => [m, []]));
    for (const m of MODES) {
      let cursor: string | undefined;
      do {
        const page = await reader!.listTasks({
          tags: [`schedule:every_second_${m}`],
          limit: 100,
          ...(cursor ? { cursor } : {}),
        });
        for (const t of page.tasks) out[m]!.push(Date.parse((await reader!.getTask(t.task_id))!.scheduled_for!));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      out[m]!.sort((a, b) => a - b);
    }
    return out;
  }

  /** Polls until `probe` holds (a hang guard, never a timing assertion). */
  async function until(
    probe: (t: Record<string, number[]>) => boolean,
    what: string,
  ): Promise<Record<string, number[]>> {
    for (let i = 0; i < 300; i++) {
      const t = await ticks();
      if (probe(t)) return t;
      await sleep(200);
    }
    throw new Error(`gave up waiting for ${what}`);
  }

  async function startWorkers(): Promise<void> {
    const workers = [0, 1, 2].map(() => fixture.startWorker(db.url, { concurrency: 4 }));
    await Promise.all(workers.map((w) => fixture.ready(w)));
  }

  /** The cron ticks (whole seconds) in [from, to]. */
  const seconds = (from: number, to: number) =>
    Array.from({ length: Math.round((to - from) / SECOND) + 1 }, (_, i) => from + i * SECOND);

  it('one task per tick, none doubled; after all workers stopped, catch_up behaves as declared', async () => {
    // The submitter side migrates the schema first, so the workers do not race to create it.
    reader = await Tasker.open({ db: db.url, logger: silentLogger(), templates: [fixture.templates], concurrency: 0 });
    await startWorkers();
    const first = await until((t) => MODES.every((m) => t[m]!.length >= 5), 'five ticks of every schedule');
    await fixture.stopAll();
    const stoppedAt = Date.now();
    const before = await ticks(); // what the first workers created, up to their last pass
    await sleep(4 * SECOND); // nothing runs: the ticks of these seconds fall while no process ticks
    const restartedAt = Date.now();
    await startWorkers();
    const after = await until(
      (t) => MODES.every((m) => t[m]!.filter((x) => x >= restartedAt).length >= 4),
      'four ticks of every schedule after the restart',
    );
    await fixture.stopAll();
    const all = await ticks();

    for (const m of MODES) {
      const got = all[m]!;
      expect(new Set(got).size, `${m}: a tick created twice`).toBe(got.length);
      expect(
        got.every((x) => x % SECOND === 0),
        `${m}: every scheduled_for is a tick`,
      ).toBe(true);
      // While workers ran, no tick was skipped.
      const phase1 = before[m]!;
      expect(phase1, `${m}: first phase`).toEqual(seconds(phase1[0]!, phase1.at(-1)!));
      expect(phase1.length).toBeGreaterThanOrEqual(first[m]!.length);
      expect(phase1.at(-1)!).toBeLessThan(stoppedAt);
      expect(got.slice(0, phase1.length)).toEqual(phase1); // nothing older appeared later
    }

    const tail = (m: (typeof MODES)[number]) => all[m]!.slice(before[m]!.length);
    // `none`: nothing before the restarted workers' first on-time tick O, then every tick.
    const none = tail('none');
    const o = none[0]!;
    expect(o).toBeGreaterThanOrEqual(restartedAt);
    expect(none).toEqual(seconds(o, none.at(-1)!));
    expect(o - before.none!.at(-1)!, 'some ticks fell while nothing ran').toBeGreaterThanOrEqual(3 * SECOND);
    // `latest`: the newest missed tick (the one before O), then every tick.
    const latest = tail('latest');
    expect(latest[0]).toBe(o - SECOND);
    expect(latest).toEqual(seconds(o - SECOND, latest.at(-1)!));
    // `all`: every tick of the gap as well (fewer than 100), so no tick is missing at all.
    const every = all.all!;
    expect(every).toEqual(seconds(every[0]!, every.at(-1)!));
    expect(every.filter((x) => x > before.all!.at(-1)! && x < o).length).toBeGreaterThanOrEqual(2);
    expect(after.none!.length).toBeGreaterThan(before.none!.length);
  });
});
