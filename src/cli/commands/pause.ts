// `tasker pause <namespace>[/<name>]`, `tasker paused` and `tasker concurrency` (flow control): pause a template (every
// version) or a whole namespace in the store — new tasks are accepted and wait, unfinished ones start no new step,
// for every process — list what is paused, and list the concurrency slot groups. `tasker resume
// <namespace>[/<name>]` (./resume.ts) lifts a pause.
import type { Command } from 'commander';
import type { PauseTarget, Store } from '../../core/store-contract.js';
import { UsageError } from '../cli-errors.js';
import { addStoreOption } from '../engine-options.js';
import { actor, withStore } from '../task-store.js';

const NAME = /^[^/@\s]+$/;

/** `ecommerce/order_verification` (a template, every version) or `ecommerce` (a namespace). */
export function parsePauseTarget(ref: string): PauseTarget {
  const [namespace, name, ...rest] = ref.split('/');
  if (ref.includes('@')) {
    throw new UsageError(`'${ref}': a pause applies to every version of a template; name it without @version`);
  }
  if (rest.length > 0 || !namespace || !NAME.test(namespace) || (name !== undefined && !NAME.test(name))) {
    throw new UsageError(`'${ref}' is not a template (namespace/name) or a namespace`);
  }
  return name === undefined ? { namespace } : { namespace, name };
}

function label(t: PauseTarget): string {
  return t.name ? `template ${t.namespace}/${t.name}` : `namespace ${t.namespace}`;
}

/** Pause (`on`) or resume a target and say what changed. */
export async function switchTarget(store: Store, target: PauseTarget, on: boolean, reason?: string): Promise<void> {
  const res = on
    ? await store.pauseTemplates(target, actor(), reason ?? null)
    : await store.resumeTemplates(target, actor(), reason ?? null);
  const what = label(target);
  if (!res.changed) process.stdout.write(`${what} was ${on ? 'already paused' : 'not paused'}; nothing changed\n`);
  else if (on) process.stdout.write(`${what} paused (${res.tasks} unfinished task(s) held)\n`);
  else process.stdout.write(`${what} resumed (${res.tasks} task(s) released)\n`);
}

export function registerPause(program: Command): void {
  addStoreOption(
    program
      .command('pause')
      .description(
        'pause a template (every version) or a whole namespace: new tasks wait, running ones start no new step',
      )
      .argument('<target>', 'namespace/name (a template) or namespace')
      .option('--reason <text>', 'why, kept with the pause and in the tasks history'),
  ).action(async (ref: string, flags: { db?: string; reason?: string }) => {
    const target = parsePauseTarget(ref);
    await withStore(flags.db, (store) => switchTarget(store, target, true, flags.reason));
  });

  addStoreOption(
    program
      .command('concurrency')
      .description('list concurrency slot groups: limit, slots held, tasks and steps waiting')
      .option('--json', 'print JSON'),
  ).action(async (flags: { db?: string; json?: boolean }) => {
    await withStore(flags.db, async (store) => {
      const groups = await store.concurrencyGroups();
      if (flags.json) process.stdout.write(`${JSON.stringify(groups, null, 2)}\n`);
      else if (!groups.length) process.stdout.write('no concurrency limits in use\n');
      for (const g of flags.json ? [] : groups) {
        process.stdout.write(`${g.key}  ${g.running}/${g.limit} running, ${g.waiting} waiting\n`);
      }
    });
  });

  addStoreOption(
    program.command('paused').description('list paused templates and namespaces').option('--json', 'print JSON'),
  ).action(async (flags: { db?: string; json?: boolean }) => {
    await withStore(flags.db, async (store) => {
      const paused = await store.listPaused();
      if (flags.json) {
        const rows = paused.map((p) => ({ ...p, paused_at: new Date(p.paused_at).toISOString() }));
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      if (!paused.length) process.stdout.write('nothing is paused\n');
      for (const p of paused) {
        const why = p.reason ? `: ${p.reason}` : '';
        process.stdout.write(
          `${label(p)} paused ${new Date(p.paused_at).toISOString()} by ${p.actor ?? 'unknown'}${why}\n`,
        );
      }
    });
  });
}
