// Build configuration: bundles the library entries (`tasker`, `tasker/api`) and the CLI to ESM with type declarations.
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', api: 'src/api/index.ts', 'cli/main': 'src/cli/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  dts: { entry: { index: 'src/index.ts', api: 'src/api/index.ts' } },
  sourcemap: true,
  clean: true,
  splitting: true,
  shims: false,
});
