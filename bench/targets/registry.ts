// The known benchmark targets by name. Each entry loads its adapter lazily, so a target whose dependencies are
// missing fails alone (as an error cell) instead of breaking the harness. Tasker's adapters are added here. Every
// target takes the value of the concurrency sweep (`--concurrency`) as its concurrency knob.
import type { BenchTarget, TargetOptions } from './target.js';

export interface TargetEntry {
  readonly name: string;
  /** Part of the default set (`--only` not given). */
  readonly byDefault: boolean;
  load(options: TargetOptions, concurrency: number): Promise<BenchTarget>;
}

export const TARGETS: readonly TargetEntry[] = [
  {
    name: 'tasker-sqlite',
    byDefault: true,
    load: async (o, c) =>
      new (await import('./tasker/target.js')).TaskerTarget(o, { name: 'tasker-sqlite', store: 'sqlite' }, c),
  },
  {
    name: 'tasker-postgres',
    byDefault: true,
    load: async (o, c) =>
      new (await import('./tasker/target.js')).TaskerTarget(o, { name: 'tasker-postgres', store: 'postgres' }, c),
  },
  {
    name: 'tasker-postgres-queue',
    byDefault: true,
    load: async (o, c) =>
      new (await import('./tasker/target.js')).TaskerTarget(
        o,
        { name: 'tasker-postgres-queue', store: 'postgres', localQueue: true },
        c,
      ),
  },
  {
    name: 'graphile-worker',
    byDefault: true,
    load: async (o, c) =>
      new (await import('./graphile/target.js')).GraphileTarget(o, { name: 'graphile-worker', batching: true }, c),
  },
  {
    name: 'graphile-worker-nobatch',
    byDefault: true,
    load: async (o, c) =>
      new (await import('./graphile/target.js')).GraphileTarget(
        o,
        { name: 'graphile-worker-nobatch', batching: false },
        c,
      ),
  },
  {
    name: 'pg-boss',
    byDefault: true,
    load: async (o, c) => new (await import('./pgboss/target.js')).PgBossTarget(o, c),
  },
  {
    name: 'bullmq',
    byDefault: true,
    load: async (o, c) => new (await import('./bullmq/target.js')).BullMqTarget(o, c),
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
