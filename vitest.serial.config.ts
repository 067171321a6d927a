// Second test phase: files that disturb shared services (restarting PostgreSQL) run one at a time, alone.
// Built from the base config by hand: mergeConfig would also merge the base `exclude` of *.serial.test.ts.
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/**/*.serial.test.ts'],
    exclude: ['node_modules/**'],
    fileParallelism: false,
  },
});
