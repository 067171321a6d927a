// The shared correctness check of a run: every step of every task ran exactly once, and no step started before
// all of its parents had completed. A run that fails it is INVALID and its figures never count.
import type { StepRecords } from './recorder.js';
import type { ShapeDef } from './workloads.js';

export interface CorrectnessReport {
  valid: boolean;
  expectedSteps: number;
  executions: number;
  /** (task, step) pairs executed more than once. */
  duplicates: number;
  /** (task, step) pairs never executed. */
  missing: number;
  /** Executions that started before one of their parents completed (or whose parent never ran). */
  earlyStarts: number;
  /** Records naming a task or step outside the run, or ending before they start. */
  malformed: number;
  /**
   * W7 (a per-key concurrency limit): task starts that found the limit already reached by tasks of their key, from
   * the handlers' timestamps (bench/key-overlap.ts); absent for workloads without a limit.
   */
  keyOverlaps?: number;
  /** Up to 5 human-readable examples of what went wrong. */
  examples: string[];
}

const MAX_EXAMPLES = 5;

/** Check the records of a run of `taskCount` tasks (indexes 0..taskCount-1) of `shape`. */
export function checkRun(shape: ShapeDef, taskCount: number, records: StepRecords): CorrectnessReport {
  const slots = taskCount * shape.steps;
  const count = new Int32Array(slots);
  const start = new Float64Array(slots);
  const end = new Float64Array(slots);
  const report: CorrectnessReport = {
    valid: true,
    expectedSteps: slots,
    executions: records.length,
    duplicates: 0,
    missing: 0,
    earlyStarts: 0,
    malformed: 0,
    examples: [],
  };
  const example = (text: string): void => {
    if (report.examples.length < MAX_EXAMPLES) report.examples.push(text);
  };
  const label = (task: number, step: number): string => `task ${task} step ${shape.stepNames[step] ?? step}`;

  for (let i = 0; i < records.length; i++) {
    const task = records.task[i]!;
    const step = records.step[i]!;
    const a = records.start[i]!;
    const b = records.end[i]!;
    if (task < 0 || task >= taskCount || step < 0 || step >= shape.steps || !(b >= a)) {
      report.malformed++;
      example(`malformed record: task ${task} step ${step} start ${a} end ${b}`);
      continue;
    }
    const slot = task * shape.steps + step;
    if (++count[slot]! === 1) {
      start[slot] = a;
      end[slot] = b;
    } else {
      if (count[slot] === 2) {
        report.duplicates++;
        example(`${label(task, step)} ran more than once`);
      }
      // Keep the earliest start and the latest end so that ordering checks stay conservative.
      start[slot] = Math.min(start[slot]!, a);
      end[slot] = Math.max(end[slot]!, b);
    }
  }

  for (let task = 0; task < taskCount; task++) {
    const base = task * shape.steps;
    for (let step = 0; step < shape.steps; step++) {
      const slot = base + step;
      if (count[slot] === 0) {
        report.missing++;
        example(`${label(task, step)} never ran`);
        continue;
      }
      for (const parent of shape.parents[step]!) {
        const p = base + parent;
        if (count[p] === 0 || end[p]! > start[slot]!) {
          report.earlyStarts++;
          const why =
            count[p] === 0 ? 'which never ran' : `${(end[p]! - start[slot]!).toFixed(3)} ms before it completed`;
          example(`${label(task, step)} started before its parent ${shape.stepNames[parent]} completed (${why})`);
          break;
        }
      }
    }
  }
  report.valid = report.duplicates === 0 && report.missing === 0 && report.earlyStarts === 0 && report.malformed === 0;
  return report;
}

/** One line summarising a report: `ok 5000/5000` or `INVALID: 2 duplicates, 1 missing ...`. */
export function describeCorrectness(r: CorrectnessReport): string {
  const keys = r.keyOverlaps === undefined ? '' : `, ${r.keyOverlaps} key-limit violations`;
  if (r.valid) return `ok ${r.executions}/${r.expectedSteps}${keys}`;
  const parts: string[] = [];
  if (r.keyOverlaps) parts.push(`${r.keyOverlaps} key-limit violations`);
  if (r.duplicates) parts.push(`${r.duplicates} duplicated`);
  if (r.missing) parts.push(`${r.missing} missing`);
  if (r.earlyStarts) parts.push(`${r.earlyStarts} early starts`);
  if (r.malformed) parts.push(`${r.malformed} malformed`);
  return `INVALID: ${parts.join(', ')}${r.examples.length ? ` (e.g. ${r.examples[0]})` : ''}`;
}
