// Compiles the worker host and a target's worker module to plain ESM with tsup (packages stay external), so that
// worker processes run without the tsx loader, whose ~50 MB would otherwise count in every worker's RSS.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'tsup';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const HOST_TS = fileURLToPath(new URL('./worker-host.ts', import.meta.url));

/** How to launch a worker process: the host script, the node flags it needs, the worker module it imports. */
export interface WorkerLaunch {
  host: string;
  execArgv: string[];
  module: string;
}

/** Launch through the tsx loader, straight from the TypeScript sources. */
export function sourceLaunch(workerModule: string): WorkerLaunch {
  return { host: HOST_TS, execArgv: ['--import', 'tsx'], module: workerModule };
}

/**
 * Bundle host and worker module into `<repo>/.tmp/bench-build/<target>/` (inside the repository so that external
 * packages resolve from its node_modules). Throws when the build fails.
 */
export async function compiledLaunch(targetName: string, workerModule: string): Promise<WorkerLaunch> {
  const outDir = join(REPO, '.tmp', 'bench-build', targetName.replace(/[^a-zA-Z0-9_-]+/g, '_'));
  mkdirSync(outDir, { recursive: true });
  await build({
    entry: { 'worker-host': HOST_TS, 'target-worker': workerModule },
    outDir,
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    bundle: true,
    splitting: false,
    skipNodeModulesBundle: true,
    sourcemap: false,
    dts: false,
    clean: true,
    silent: true,
    config: false,
    outExtension: () => ({ js: '.mjs' }),
  });
  return { host: join(outDir, 'worker-host.mjs'), execArgv: [], module: join(outDir, 'target-worker.mjs') };
}
