// Second test phase: files that disturb shared services (restarting PostgreSQL) run one at a time, alone.
import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.js';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      include: ['test/**/*.serial.test.ts'],
      exclude: ['node_modules/**'],
      fileParallelism: false,
    },
  }),
);
