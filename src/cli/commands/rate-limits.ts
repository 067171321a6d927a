// `tasker rate-limits list|set` (flow control): the named rate limits the store keeps, with their source, buckets and
// the steps waiting for a token; and setting one by hand, which overrides every template's declaration of that name
// for every process (from the store alone, like `tasker paused`).
import type { Command } from 'commander';
import type { RateLimitInfo } from '../../core/store-contract.js';
import { formatDuration } from '../../core/duration.js';
import { setRateLimit } from '../../engine/rate-limits.js';
import { UsageError } from '../cli-errors.js';
import { addStoreOption } from '../engine-options.js';
import { actor, withStore } from '../task-store.js';

const json = (r: RateLimitInfo) => ({ ...r, updated_at: new Date(r.updated_at).toISOString() });

function line(r: RateLimitInfo): string {
  const rate = `${r.limit} per ${formatDuration(r.period_ms)}${r.burst ? ` (burst ${r.burst})` : ''}`;
  return `${r.name.padEnd(24)} ${rate.padEnd(28)} ${r.source.padEnd(8)}  ${r.buckets} bucket(s), ${r.waiting} waiting\n`;
}

/** A whole number from a flag, or a usage error naming the flag. */
function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${flag} must be a whole number, got '${text}'`);
  return Number(text);
}

export function registerRateLimits(program: Command): void {
  const limits = program.command('rate-limits').description('list and set named rate limits (token buckets)');

  addStoreOption(limits.command('list').description('list the rate limits the store keeps').option('--json')).action(
    async (flags: { db?: string; json?: boolean }) => {
      await withStore(flags.db, async (store) => {
        const list = await store.rateLimits.listRateLimits();
        if (flags.json) process.stdout.write(`${JSON.stringify(list.map(json), null, 2)}\n`);
        else if (list.length === 0)
          process.stdout.write('no rate limits (templates declare them when a worker starts)\n');
        else for (const r of list) process.stdout.write(line(r));
      });
    },
  );

  addStoreOption(
    limits
      .command('set')
      .description("set a limit by hand for every process; it overrides templates' declarations of the name")
      .argument('<name>', 'the limit name steps use (rate_limit: name)')
      .requiredOption('--limit <n>', 'starts per period')
      .requiredOption('--period <duration>', "the period: '1m', '90s', '1h' or milliseconds")
      .option('--burst <n>', 'extra starts allowed at once beyond the steady rate', '0')
      .option('--json', 'print the limit as JSON'),
  ).action(
    async (name: string, flags: { db?: string; limit: string; period: string; burst: string; json?: boolean }) => {
      const input = {
        limit: wholeNumber('--limit', flags.limit)!,
        period: flags.period,
        burst: wholeNumber('--burst', flags.burst)!,
      };
      await withStore(flags.db, async (store) => {
        const set = await setRateLimit(store, name, input, actor());
        if (flags.json) process.stdout.write(`${JSON.stringify(json(set), null, 2)}\n`);
        else process.stdout.write(`rate limit ${line(set)}`);
      });
    },
  );
}
