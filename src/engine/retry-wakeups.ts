// Local wake-ups for retries coming due: every known due time is kept (a min-heap), one timer runs for the earliest,
// and when it fires the next one is armed. Each retry scheduled in this process therefore wakes the dispatch loop
// when it comes due, however many are waiting, instead of all but the earliest falling back to the poll.
export class RetryWakeups {
  private readonly heap: number[] = [];
  private timer: { at: number; handle: NodeJS.Timeout } | null = null;
  private stopped = false;

  constructor(private readonly onDue: () => void) {}

  /** Wake when `at` (epoch ms) comes. Due times within a millisecond of a known one share its wake-up. */
  add(at: number): void {
    if (this.stopped) return;
    push(this.heap, Math.ceil(at));
    this.arm();
  }

  /** Pending due times (for tests and diagnostics). */
  get size(): number {
    return this.heap.length;
  }

  start(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    this.heap.length = 0;
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = null;
  }

  private arm(): void {
    const next = this.heap[0];
    if (next === undefined) return;
    if (this.timer && this.timer.at <= next) return;
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(() => this.fire(), Math.max(0, next - Date.now()));
    handle.unref();
    this.timer = { at: next, handle };
  }

  private fire(): void {
    this.timer = null;
    const now = Date.now();
    let due = false;
    while (this.heap.length > 0 && this.heap[0]! <= now) {
      pop(this.heap);
      due = true;
    }
    this.arm();
    if (due) this.onDue();
  }
}

function push(heap: number[], value: number): void {
  heap.push(value);
  let i = heap.length - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent]! <= value) break;
    heap[i] = heap[parent]!;
    i = parent;
  }
  heap[i] = value;
}

function pop(heap: number[]): number | undefined {
  const top = heap[0];
  const last = heap.pop();
  if (heap.length === 0 || last === undefined) return top;
  // Sift `last` down from the root.
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    const r = l + 1;
    let m = i;
    let smallest = last;
    if (l < heap.length && heap[l]! < smallest) {
      m = l;
      smallest = heap[l]!;
    }
    if (r < heap.length && heap[r]! < smallest) m = r;
    if (m === i) break;
    heap[i] = heap[m]!;
    i = m;
  }
  heap[i] = last;
  return top;
}
