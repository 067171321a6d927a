// `tasker prune`: delete finished tasks older than their cutoffs — an age (`30d`, `12h`, `90m`) or an ISO date — with
// their steps, edges, history and annotations, a transaction of --batch-size tasks at a time; --dry-run counts them.
// Goes through the engine facade (Tasker.prune) on the store the `tasks` commands open (never migrating a shared
// schema), prints what was (or would be) deleted, and reports progress on stderr for long runs.
import type { Command } from 'commander';
import { TASKER_DEFAULTS } from '../../core/defaults.js';
import { MAX_PRUNE_BATCH, type PruneResult, type RetentionClass } from '../../core/store-contract.js';
import { Tasker } from '../../engine/tasker.js';
import { CUTOFF_EXPECTED, readCutoff, type PruneOptions } from '../../engine/retention.js';
import { silentLogger } from '../../telemetry/logger.js';
import { UsageError } from '../cli-errors.js';
import { addStoreOption, parseCount } from '../engine-options.js';
import { withStore } from '../task-store.js';

interface PruneFlags {
  db?: string;
  completedBefore?: string;
  failedBefore?: string;
  cancelledBefore?: string;
  dryRun?: boolean;
  batchSize: string;
  json?: boolean;
}

/** Progress on stderr every this many batches. */
const PROGRESS_EVERY = 20;

function cutoff(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) return undefined;
  if (!readCutoff(value)) throw new UsageError(`${flag} must be ${CUTOFF_EXPECTED}, got '${value}'`);
  return value;
}

/** `1200 tasks (completed 1000, failed 200)`. */
function taskCount(r: PruneResult): string {
  const parts = Object.entries(r.tasks_by_state).map(([state, n]) => `${state} ${n}`);
  return `${r.tasks} task(s)${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

function summary(r: PruneResult): string {
  const cutoffs = Object.entries(r.cutoffs)
    .map(([cls, at]) => `${cls} before ${new Date(at).toISOString()}`)
    .join(', ');
  if (r.dry_run) return `would delete ${taskCount(r)} with ${r.steps} step(s); cutoffs: ${cutoffs}\n`;
  return (
    `deleted ${taskCount(r)}: ${r.steps} step(s), ${r.step_edges} edge(s), ${r.transitions} history row(s), ` +
    `${r.annotations} annotation(s) in ${r.batches} batch(es); cutoffs: ${cutoffs}\n`
  );
}

export function registerPrune(program: Command): void {
  addStoreOption(
    program
      .command('prune')
      .description(
        'delete finished tasks older than a cutoff (an age such as 30d, 12h, 90m, or an ISO date) with their steps, ' +
          'history and annotations; a pruned idempotency key is free again',
      )
      .option('--completed-before <age|date>', 'completed (and resolved_manually) tasks that finished before this')
      .option('--failed-before <age|date>', 'failed tasks that finished before this')
      .option('--cancelled-before <age|date>', 'cancelled tasks cancelled before this')
      .option('--dry-run', 'only count what would be deleted')
      .option(
        '--batch-size <n>',
        `tasks deleted per transaction (1-${MAX_PRUNE_BATCH})`,
        String(TASKER_DEFAULTS.retention.batchSize),
      )
      .option('--json', 'print the result as JSON'),
  ).action(async (flags: PruneFlags) => {
    const given: Record<RetentionClass, string | undefined> = {
      completed: cutoff(flags.completedBefore, '--completed-before'),
      failed: cutoff(flags.failedBefore, '--failed-before'),
      cancelled: cutoff(flags.cancelledBefore, '--cancelled-before'),
    };
    if (Object.values(given).every((v) => v === undefined))
      throw new UsageError('prune needs at least one of --completed-before, --failed-before, --cancelled-before');
    const batchSize = parseCount(flags.batchSize, '--batch-size', { min: 1, max: MAX_PRUNE_BATCH })!;
    const options: PruneOptions = {
      ...(given.completed !== undefined ? { completedBefore: given.completed } : {}),
      ...(given.failed !== undefined ? { failedBefore: given.failed } : {}),
      ...(given.cancelled !== undefined ? { cancelledBefore: given.cancelled } : {}),
      dryRun: flags.dryRun === true,
      batchSize,
      onBatch: (so) => {
        if (so.batches % PROGRESS_EVERY === 0)
          process.stderr.write(`tasker prune: ${so.tasks} task(s) deleted so far\n`);
      },
    };
    await withStore(flags.db, async (store) => {
      const tasker = await Tasker.open({ db: store, start: false, logger: silentLogger() });
      try {
        const result = await tasker.prune(options);
        process.stdout.write(flags.json ? `${JSON.stringify(result, null, 2)}\n` : summary(result));
      } finally {
        await tasker.close();
      }
    });
  });
}
