// A monotonic millisecond clock comparable across processes on one machine (CLOCK_MONOTONIC via hrtime).

/** Milliseconds (fractional) on the system-wide monotonic clock; the same origin in every process of the machine. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
