// The known benchmark targets by name. Each entry loads its adapter lazily, so a target whose dependencies are
// missing fails alone (as an error cell) instead of breaking the harness. Tasker's adapters are added here.
import type { BenchTarget, TargetOptions } from './target.js';

export interface TargetEntry {
  readonly name: string;
  /** Part of the default set (`--only` not given). */
  readonly byDefault: boolean;
  load(options: TargetOptions): Promise<BenchTarget>;
}

export const TARGETS: readonly TargetEntry[] = [
  {
    name: 'tasker-sqlite',
    byDefault: true,
    load: async (o) =>
      new (await import('./tasker/target.js')).TaskerTarget(o, {
        name: 'tasker-sqlite',
        store: 'sqlite',
        concurrency: 1000,
      }),
  },
  {
    name: 'tasker-postgres',
    byDefault: true,
    load: async (o) =>
      new (await import('./tasker/target.js')).TaskerTarget(o, {
        name: 'tasker-postgres',
        store: 'postgres',
        concurrency: 500,
      }),
  },
  {
    name: 'graphile-worker',
    byDefault: true,
    load: async (o) =>
      new (await import('./graphile/target.js')).GraphileTarget(o, { name: 'graphile-worker', batching: true }),
  },
  {
    name: 'graphile-worker-nobatch',
    byDefault: true,
    load: async (o) =>
      new (await import('./graphile/target.js')).GraphileTarget(o, {
        name: 'graphile-worker-nobatch',
        batching: false,
      }),
  },
  {
    name: 'pg-boss',
    byDefault: true,
    load: async (o) => new (await import('./pgboss/target.js')).PgBossTarget(o),
  },
  {
    name: 'bullmq',
    byDefault: true,
    load: async (o) => new (await import('./bullmq/target.js')).BullMqTarget(o),
  },
];

/** Resolve `--only a,b` (or the default set); throws naming the unknown ones and the known ones. */
export function selectTargets(only: string | undefined): TargetEntry[] {
  if (!only) return TARGETS.filter((t) => t.byDefault);
  const names = only
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !TARGETS.some((t) => t.name === n));
  if (unknown.length) {
    throw new Error(`--only: unknown target(s) ${unknown.join(', ')}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  }
  return names.map((n) => TARGETS.find((t) => t.name === n)!);
}
