// Compact in-memory record of step executions: (task, step, start, end) in growable typed arrays.

/** A batch of step executions, structured-clone friendly (sent over IPC with `serialization: 'advanced'`). */
export interface StepRecords {
  length: number;
  task: Int32Array;
  step: Int32Array;
  start: Float64Array;
  end: Float64Array;
}

export class StepRecorder {
  private task = new Int32Array(1024);
  private step = new Int32Array(1024);
  private start = new Float64Array(1024);
  private end = new Float64Array(1024);
  private n = 0;

  get count(): number {
    return this.n;
  }

  record(task: number, step: number, start: number, end: number): void {
    if (this.n === this.task.length) this.grow();
    const i = this.n++;
    this.task[i] = task;
    this.step[i] = step;
    this.start[i] = start;
    this.end[i] = end;
  }

  /** A trimmed copy of everything recorded so far. */
  snapshot(): StepRecords {
    return {
      length: this.n,
      task: this.task.slice(0, this.n),
      step: this.step.slice(0, this.n),
      start: this.start.slice(0, this.n),
      end: this.end.slice(0, this.n),
    };
  }

  private grow(): void {
    const size = this.task.length * 2;
    const t = new Int32Array(size);
    t.set(this.task);
    this.task = t;
    const s = new Int32Array(size);
    s.set(this.step);
    this.step = s;
    const a = new Float64Array(size);
    a.set(this.start);
    this.start = a;
    const b = new Float64Array(size);
    b.set(this.end);
    this.end = b;
  }
}

/** Concatenate the records of several worker processes. */
export function mergeRecords(parts: readonly StepRecords[]): StepRecords {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const out: StepRecords = {
    length,
    task: new Int32Array(length),
    step: new Int32Array(length),
    start: new Float64Array(length),
    end: new Float64Array(length),
  };
  let offset = 0;
  for (const p of parts) {
    out.task.set(p.task.subarray(0, p.length), offset);
    out.step.set(p.step.subarray(0, p.length), offset);
    out.start.set(p.start.subarray(0, p.length), offset);
    out.end.set(p.end.subarray(0, p.length), offset);
    offset += p.length;
  }
  return out;
}

/** Build records from plain tuples (tests and small tools). */
export function recordsFrom(
  rows: ReadonlyArray<readonly [task: number, step: number, start: number, end: number]>,
): StepRecords {
  const r = new StepRecorder();
  for (const [t, s, a, b] of rows) r.record(t, s, a, b);
  return r.snapshot();
}
