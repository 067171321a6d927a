// A small stand-in for network and database calls in the example handlers: waits, and stops early on abort.
import { setTimeout as delay } from 'node:timers/promises';

/** Milliseconds scaled by TASKER_EXAMPLE_IO_SCALE (default 1; 0 makes the examples instant). */
export async function simulatedIo(ms: number, signal?: AbortSignal): Promise<void> {
  const scale = Number(process.env.TASKER_EXAMPLE_IO_SCALE ?? '1');
  const wait = Math.max(0, Math.round(ms * (Number.isFinite(scale) ? scale : 1)));
  if (wait > 0) await delay(wait, undefined, signal ? { signal } : undefined);
}

/** A stable small number from a string, so example results are deterministic. */
export function stableNumber(seed: string, modulo: number): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
  return Math.abs(h) % modulo;
}
