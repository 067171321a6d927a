// CPU seconds of every PostgreSQL process on this machine (backends, WAL writer, checkpointer), read from /proc: what
// the micro-benchmarks subtract around a measured loop. A process that ends in between takes its CPU with it, so
// measure with connections that stay open.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds of every postgres process (backends, WAL writer, checkpointer), from /proc. */
export function postgresCpu() {
  const tick = 100; // USER_HZ
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (!comm.startsWith('postgres')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / tick;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}
