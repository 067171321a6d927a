// The options of Tasker.open: one table of defaults (src/core/defaults.ts) and one resolver (resolveTaskerOptions)
// that reads the environment once and checks every option before anything is opened, naming the option (or the
// environment variable) and the value.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Tasker, type TaskerOptions } from '../../src/engine/tasker.js';
import { resolveTaskerOptions } from '../../src/engine/options.js';
import { TASKER_DEFAULTS } from '../../src/core/defaults.js';
import { isTaskerError } from '../../src/core/errors.js';
import { createLogger, silentLogger } from '../../src/telemetry/logger.js';
import { defineTask } from '../../src/definition/define-task.js';

const VARIABLES = [
  'TASKER_DATABASE_URL',
  'TASKER_LOG_LEVEL',
  'TASKER_LOG_FORMAT',
  'TASKER_STEP_TIMEOUT_MS',
  'TASKER_ENV',
  'NODE_ENV',
];

let dir: string;
let cwd: string;
let saved: Record<string, string | undefined>;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tasker-options-'));
  cwd = process.cwd();
  saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
  for (const v of VARIABLES) delete process.env[v];
});
afterEach(() => {
  process.chdir(cwd);
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Tasker.open's rejection of `options` on a store file that must never be created. */
async function refusal(options: Record<string, unknown>): Promise<Error> {
  const file = join(dir, 'never.db');
  const err = await Tasker.open({ db: `sqlite:${file}`, logger: silentLogger(), ...options } as TaskerOptions).then(
    async (t) => {
      await t.close();
      return new Error(`accepted ${JSON.stringify(options)}`);
    },
    (e: unknown) => e as Error,
  );
  expect(existsSync(file), `the store was created for ${JSON.stringify(options)}`).toBe(false);
  return err;
}

describe('Tasker.open checks its options before opening anything', () => {
  it('refuses leaseMs: -5, naming the option and the value', async () => {
    const err = await refusal({ leaseMs: -5 });
    expect(isTaskerError(err) && err.code).toBe('invalid_option');
    expect(err.message).toMatch(/^leaseMs must be .*; got -5$/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    [{ concurrency: -1 }, 'concurrency must be a whole number from 0 to 10000; got -1'],
    [{ concurrency: 1.5 }, 'concurrency must be a whole number from 0 to 10000; got 1.5'],
    [{ prefetch: -5 }, 'prefetch must be a whole number from 0 to 10000; got -5'],
    [{ concurrency: '10' }, "concurrency must be a whole number from 0 to 10000; got '10'"],
    [{ leaseMs: 99 }, 'leaseMs must be a whole number of milliseconds from 100 to 3600000; got 99'],
    [{ pollIntervalMs: 0 }, 'pollIntervalMs must be a whole number of milliseconds from 10 to 3600000; got 0'],
    [{ drainTimeoutMs: -1 }, 'drainTimeoutMs must be a whole number of milliseconds from 0 to 3600000; got -1'],
    [{ drainTimeoutMs: NaN }, 'drainTimeoutMs must be a whole number of milliseconds from 0 to 3600000; got NaN'],
    [{ stepTimeoutMs: 0 }, 'stepTimeoutMs must be a positive integer of milliseconds, at most 2147483647; got 0'],
    [{ handlersTimeoutMs: 2 ** 31 }, 'handlersTimeoutMs must be a positive integer of milliseconds'],
    [{ retry: { jitter: 2 } }, 'retry.jitter must be a number between 0 and 1; got 2'],
    [{ retry: { multiplier: 0.5 } }, 'retry.multiplier must be a number >= 1; got 0.5'],
    [{ retry: { base: 500, max: 100 } }, 'retry.max (100 ms) is below retry.base (500 ms)'],
    [{ retry: { bas: 5 } }, "unknown option retry.bas (did you mean 'base'?)"],
    [{ leaseMS: 5 }, "unknown option leaseMS (did you mean 'leaseMs'?)"],
    [{ logLevel: 'verbose' }, "logLevel must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'"],
    [{ logFormat: 'xml' }, "logFormat must be one of json, pretty, auto; got 'xml'"],
    [{ namespaces: 'billing' }, "namespaces must be a list of namespace names or null; got 'billing'"],
    [
      { templates: 'config/tasks' },
      "templates must be a list of template paths or defineTask templates; got 'config/tasks'",
    ],
    [{ workerId: '' }, "workerId must be a non-empty string; got ''"],
    [{ start: 'yes' }, "start must be true or false; got 'yes'"],
    [{ poolSize: 0 }, 'poolSize must be a whole number from 1 to 1000; got 0'],
    [{ warmConnections: -1 }, 'warmConnections must be a whole number from 0 to 1000; got -1'],
    [
      { poolSize: 4, warmConnections: 5 },
      'warmConnections must be at most poolSize (4), the connections there are to warm; got 5',
    ],
  ])('refuses %j', async (options, message) => {
    const err = await refusal(options);
    expect(isTaskerError(err) && err.code).toBe('invalid_option');
    expect(err.message).toContain(message);
  });

  it('names the environment variable behind a bad value', async () => {
    process.env.TASKER_STEP_TIMEOUT_MS = 'ten';
    expect((await refusal({})).message).toBe(
      "environment variable TASKER_STEP_TIMEOUT_MS must be a positive integer of milliseconds, at most 2147483647; got 'ten'",
    );
    process.env.TASKER_STEP_TIMEOUT_MS = '0';
    expect((await refusal({})).message).toContain('TASKER_STEP_TIMEOUT_MS must be a positive integer');
    delete process.env.TASKER_STEP_TIMEOUT_MS;
    process.env.TASKER_LOG_LEVEL = 'verbose';
    expect((await refusal({ logger: undefined })).message).toBe(
      "environment variable TASKER_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent; got 'verbose'",
    );
    delete process.env.TASKER_LOG_LEVEL;
    // Checked even when an option would override it: a typo in the environment is never silently ignored.
    process.env.TASKER_LOG_FORMAT = 'xml';
    expect((await refusal({ logFormat: 'json' })).message).toBe(
      "environment variable TASKER_LOG_FORMAT must be one of json, pretty, auto; got 'xml'",
    );
  });
});

describe('resolveTaskerOptions', () => {
  it('fills every default from the one table', () => {
    const r = resolveTaskerOptions({}, {});
    expect(r).toMatchObject({
      db: TASKER_DEFAULTS.db,
      concurrency: TASKER_DEFAULTS.concurrency,
      prefetch: 0,
      leaseMs: TASKER_DEFAULTS.leaseMs,
      pollIntervalMs: TASKER_DEFAULTS.pollIntervalMs,
      drainTimeoutMs: TASKER_DEFAULTS.drainTimeoutMs,
      stepTimeoutMs: TASKER_DEFAULTS.stepTimeoutMs,
      stepTimeoutFrom: 'default',
      handlersTimeoutMs: TASKER_DEFAULTS.handlersTimeoutMs,
      logLevel: 'warn',
      logFormat: 'auto',
      retry: TASKER_DEFAULTS.retry,
      env: undefined,
      namespaces: null,
      start: true,
      poolSize: TASKER_DEFAULTS.poolSize,
      warmConnections: TASKER_DEFAULTS.warmConnections,
    });
    // Fewer connections than the default warms: all of them.
    expect(resolveTaskerOptions({ poolSize: 2 }, {})).toMatchObject({ poolSize: 2, warmConnections: 2 });
    expect(TASKER_DEFAULTS).toMatchObject({ concurrency: 10, leaseMs: 30_000, stepTimeoutMs: 900_000 });
    expect(resolveTaskerOptions({ concurrency: 0 }, {}).start).toBe(false);
  });

  it('reads the environment it is given; options win over it; an empty variable counts as unset', () => {
    const env = {
      TASKER_DATABASE_URL: ' postgres://u@h/db ',
      TASKER_LOG_LEVEL: 'info',
      TASKER_LOG_FORMAT: 'pretty',
      TASKER_STEP_TIMEOUT_MS: '250',
      TASKER_ENV: 'staging',
      NODE_ENV: 'production',
    };
    expect(resolveTaskerOptions({}, env)).toMatchObject({
      db: 'postgres://u@h/db',
      logLevel: 'info',
      logFormat: 'pretty',
      stepTimeoutMs: 250,
      stepTimeoutFrom: 'environment',
      env: 'staging',
    });
    expect(resolveTaskerOptions({}, { ...env, TASKER_ENV: '' }).env).toBe('production');
    const given = resolveTaskerOptions(
      {
        db: 'sqlite::memory:',
        logLevel: 'error',
        logFormat: 'json',
        stepTimeoutMs: 100,
        env: 'dev',
        retry: { base: 5 },
      },
      env,
    );
    expect(given).toMatchObject({
      db: 'sqlite::memory:',
      logLevel: 'error',
      logFormat: 'json',
      stepTimeoutMs: 100,
      env: 'dev',
    });
    expect(given.stepTimeoutFrom).toBe('option');
    expect(given.retry).toEqual({ ...TASKER_DEFAULTS.retry, base: 5 });
    expect(resolveTaskerOptions({}, { TASKER_DATABASE_URL: '  ', TASKER_LOG_LEVEL: '' })).toMatchObject({
      db: TASKER_DEFAULTS.db,
      logLevel: TASKER_DEFAULTS.logLevel,
    });
  });

  it('has one default log level: the engine, the CLI and a bare logger agree on it', async () => {
    expect(createLogger().level).toBe(TASKER_DEFAULTS.logLevel);
    const tasker = await Tasker.open({ db: 'sqlite::memory:', concurrency: 0 });
    try {
      expect(tasker.logger.level).toBe(TASKER_DEFAULTS.logLevel);
    } finally {
      await tasker.close();
    }
    process.env.TASKER_LOG_LEVEL = 'info';
    const chatty = await Tasker.open({ db: 'sqlite::memory:', concurrency: 0 });
    try {
      expect(chatty.logger.level).toBe('info');
    } finally {
      await chatty.close();
    }
  });
});

describe('Tasker.open and the environment', () => {
  it('opens the default embedded store under .tasker/ when no store is named', async () => {
    process.chdir(dir);
    const tasker = await Tasker.open({ concurrency: 0, logger: silentLogger() });
    try {
      expect(tasker.store.url).toBe(TASKER_DEFAULTS.db);
      expect(existsSync(join(dir, '.tasker', 'tasker.db'))).toBe(true);
    } finally {
      await tasker.close();
    }
  });

  it('takes the store from TASKER_DATABASE_URL when none is given', async () => {
    const file = join(dir, 'from-env.db');
    process.env.TASKER_DATABASE_URL = `sqlite://${file}`;
    const tasker = await Tasker.open({ concurrency: 0, logger: silentLogger() });
    try {
      expect(tasker.store.url).toBe(`sqlite://${file}`);
      expect(existsSync(file)).toBe(true);
    } finally {
      await tasker.close();
    }
  });

  it('takes the step timeout from TASKER_STEP_TIMEOUT_MS, as the CLI does', async () => {
    process.env.TASKER_STEP_TIMEOUT_MS = '150';
    const template = defineTask({
      name: 'hang',
      namespace_name: 'options',
      version: '1.0.0',
      module_namespace: 'Options',
      step_templates: [{ name: 'stuck', default_retry_limit: 1 }],
    });
    const tasker = await Tasker.open({
      db: `sqlite:${join(dir, 'env-timeout.db')}`,
      templates: [template],
      handlers: { 'Options::StuckHandler': () => new Promise(() => undefined) },
      logger: silentLogger(),
    });
    try {
      const task = await tasker.run({ namespace: 'options', name: 'hang', context: {} }, { timeoutMs: 20_000 });
      expect(task.workflow_steps[0]!.error).toMatchObject({ class: 'StepTimeoutError' });
      expect(task.workflow_steps[0]!.error!.message).toContain('step timed out after 150 ms');
      expect(task.workflow_steps[0]!.error!.message).toContain('TASKER_STEP_TIMEOUT_MS');
    } finally {
      await tasker.close();
    }
  });
});
