// Test configuration: real SQLite files, the real PostgreSQL and real processes; no timing assertions.
// `tasker` resolves to the sources so tests never depend on a stale build.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: { tasker: fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // Tests that restart PostgreSQL run alone afterwards (vitest.serial.config.ts), never beside other files.
    exclude: ['test/**/*.serial.test.ts', 'node_modules/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
