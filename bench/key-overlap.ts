// W7's correctness figure: from the recorded handler timestamps, how many tasks of the same concurrency key ran at
// once. A task's span is its first step's handler start to its last step's handler end (a subset of the time it
// holds its slot in the store, so a span overlap is always a real violation of the limit).
import type { StepRecords } from './recorder.js';

export interface KeyOverlapReport {
  /** The most tasks of one key whose spans overlapped at one instant (over every key). */
  maxPerKey: number;
  /** Task starts that found `limit` tasks of their key already running. */
  violations: number;
  /** Up to 5 examples: key, the two tasks, by how much they overlapped. */
  examples: string[];
}

const MAX_EXAMPLES = 5;

/**
 * Check that no more than `limit` tasks of a key overlapped. Tasks are 0..taskCount-1, task t has key `keyOf(t)`;
 * tasks with no record are ignored (the run's own correctness check reports them missing).
 */
export function checkKeyOverlap(
  records: StepRecords,
  taskCount: number,
  keyOf: (task: number) => number,
  limit: number,
): KeyOverlapReport {
  const start = new Float64Array(taskCount).fill(Infinity);
  const end = new Float64Array(taskCount).fill(-Infinity);
  for (let i = 0; i < records.length; i++) {
    const t = records.task[i]!;
    if (t < 0 || t >= taskCount) continue;
    if (records.start[i]! < start[t]!) start[t] = records.start[i]!;
    if (records.end[i]! > end[t]!) end[t] = records.end[i]!;
  }
  const byKey = new Map<number, number[]>();
  for (let t = 0; t < taskCount; t++) {
    if (start[t] === Infinity) continue;
    const k = keyOf(t);
    let list = byKey.get(k);
    if (!list) byKey.set(k, (list = []));
    list.push(t);
  }
  const report: KeyOverlapReport = { maxPerKey: 0, violations: 0, examples: [] };
  for (const [key, tasks] of byKey) {
    // Sweep the key's spans in start order, keeping the running ones; a span ending exactly when another starts
    // does not overlap it.
    tasks.sort((a, b) => start[a]! - start[b]!);
    let running: number[] = [];
    for (const t of tasks) {
      running = running.filter((r) => end[r]! > start[t]!);
      if (running.length >= limit) {
        report.violations++;
        if (report.examples.length < MAX_EXAMPLES) {
          const other = running[0]!;
          report.examples.push(
            `key ${key}: task ${t} started ${(end[other]! - start[t]!).toFixed(3)} ms before task ${other} ended`,
          );
        }
      }
      running.push(t);
      if (running.length > report.maxPerKey) report.maxPerKey = running.length;
    }
  }
  return report;
}
