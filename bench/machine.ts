// Describes the machine a bench ran on: CPU, memory, Node, and the server versions the targets report.
import os from 'node:os';
import type { MachineInfo } from './results-model.js';
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
    packages: {},
  };
}

/** Fold a target's reported versions into the machine description (`redis` goes to its own field). */
export function addVersions(machine: MachineInfo, versions: Record<string, string>): void {
  for (const [name, version] of Object.entries(versions)) {
    if (name === 'redis') machine.redis = version;
    else machine.packages[name] = version;
  }
}
