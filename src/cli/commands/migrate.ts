// `tasker migrate`: create or upgrade the store's schema and exit: the upgrade step of a deployment, run before
// workers of the new release start (`worker`, `serve` and `submit` do not migrate a PostgreSQL schema on open).
import type { Command } from 'commander';
import { openStore } from '../../store/open-store.js';
import { storeFailure } from '../cli-errors.js';
import { createLogger } from '../../telemetry/logger.js';
import { addStoreOption, storeOptionsFrom } from '../engine-options.js';

export function registerMigrate(program: Command): void {
  addStoreOption(program.command('migrate').description('create or upgrade the store schema, then exit')).action(
    async (flags: { db?: string }) => {
      const { url, logLevel, logFormat } = storeOptionsFrom(flags.db);
      const logger = createLogger({ level: logLevel, format: logFormat });
      const store = await openStore(url, { logger, warmConnections: 0 }).catch((err: unknown) => {
        throw storeFailure(err, url);
      });
      await store.close();
      process.stdout.write(`store ${store.url} is migrated\n`);
    },
  );
}
