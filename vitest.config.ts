// Test configuration: real SQLite files, the real PostgreSQL and real processes; no timing assertions.
// `tasker` resolves to the sources so tests never depend on a stale build.
import { availableParallelism } from 'node:os';
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
    // Files mostly wait (on PostgreSQL, child processes, the browser), so one more than the cores, where vitest's
    // default is one fewer (a single file at a time on 2 cores); at most 4, to stay far below PostgreSQL's
    // max_connections (100 by default) with every file's stores and worker processes open at once.
    maxWorkers: Math.min(4, availableParallelism() + 1),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 20_000,
  },
});
