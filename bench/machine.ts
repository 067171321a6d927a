// Describes the machine a bench ran on: CPU, memory, Node, and the server versions the targets report.
import os from 'node:os';
import pg from 'pg';
import { now } from './clock.js';
import type { MachineInfo } from './results-model.js';
import { median } from './stats.js';
import { serverVersion } from './targets/pg-admin.js';

export async function describeMachine(postgresUrl: string): Promise<MachineInfo> {
  const cpus = os.cpus();
  let postgres: string | undefined;
  try {
    postgres = await serverVersion(postgresUrl);
  } catch (err) {
    postgres = `unreachable (${err instanceof Error ? err.message : String(err)})`;
  }
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    postgres,
    postgresCommitMs: await commitLatency(postgresUrl).catch(() => undefined),
    loadAvg1AtStart: os.loadavg()[0]!,
    packages: {},
  };
}

/**
 * Median time of 200 one-statement transactions that each assign a transaction id (so their commit waits for a
 * WAL flush): a floor for any durable PostgreSQL queue step on this machine.
 */
async function commitLatency(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const times: number[] = [];
    for (let i = 0; i < 200; i++) {
      const t = now();
      await client.query('SELECT txid_current()');
      times.push(now() - t);
    }
    return median(times);
  } finally {
    await client.end();
  }
}

/** Fold a target's reported versions into the machine description (`redis` goes to its own field). */
export function addVersions(machine: MachineInfo, versions: Record<string, string>): void {
  for (const [name, version] of Object.entries(versions)) {
    if (name === 'redis') machine.redis = version;
    else machine.packages[name] = version;
  }
}
