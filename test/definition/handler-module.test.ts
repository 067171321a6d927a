// Loading handlers modules from real files in a temp dir: .mjs and .ts, named / default-object / `handlers` exports.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toStepHandler } from '../../src/definition/handler-entry.js';
import { loadHandlerModule } from '../../src/definition/handler-module.js';
import { TaskerError } from '../../src/core/errors.js';
import { Tasker } from '../../src/engine/tasker.js';
import { silentLogger } from '../../src/telemetry/logger.js';
import { sqliteDb } from '../support/stores.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tasker-handlers-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

const run = async (entry: object, name: string) =>
  toStepHandler(entry, name).process({} as never, {} as never, {} as never);

describe('loadHandlerModule', () => {
  it('.mjs with named exports and a subscribers array', async () => {
    const file = fixture(
      'named.mjs',
      `export class CreateAccountHandler { process() { return 'created'; } }
       export const sendEmail = async () => 'sent';
       export const settings = { retries: 3 };
       export const subscribers = [{ events: ['task.completed'] }];`,
    );
    const mod = await loadHandlerModule(file);
    expect(Object.keys(mod.handlers).sort()).toEqual(['CreateAccountHandler', 'sendEmail']);
    expect(await run(mod.handlers['CreateAccountHandler']!, 'CreateAccountHandler')).toBe('created');
    expect(await run(mod.handlers['sendEmail']!, 'sendEmail')).toBe('sent');
    expect(mod.subscribers).toEqual([{ events: ['task.completed'] }]);
    expect(mod.file).toBe(file);
  });

  it('.ts with a default-export object of Ruby-style names', async () => {
    const file = fixture(
      'default.ts',
      `class CreateAccountHandler { process(): string { return 'ts-created'; } }
       const welcome = async (): Promise<string> => 'ts-welcome';
       export default { 'Onboarding::CreateAccountHandler': CreateAccountHandler, 'Onboarding::SendWelcomeEmailHandler': welcome };`,
    );
    const mod = await loadHandlerModule(file);
    expect(Object.keys(mod.handlers).sort()).toEqual([
      'Onboarding::CreateAccountHandler',
      'Onboarding::SendWelcomeEmailHandler',
    ]);
    expect(await run(mod.handlers['Onboarding::CreateAccountHandler']!, 'x')).toBe('ts-created');
    expect(await run(mod.handlers['Onboarding::SendWelcomeEmailHandler']!, 'y')).toBe('ts-welcome');
    expect(mod.subscribers).toEqual([]);
  });

  it('.ts with a `handlers` export next to named ones', async () => {
    const file = fixture(
      'mapped.mts',
      `interface Ctx { n: number }
       export class Helper { process(): number { return 1; } }
       export const handlers: Record<string, unknown> = { 'Ecommerce::CheckPaymentMethodHandler': (t: Ctx) => 'paid' };
       export const subscribers = [() => undefined];`,
    );
    const mod = await loadHandlerModule(file);
    expect(Object.keys(mod.handlers).sort()).toEqual(['Ecommerce::CheckPaymentMethodHandler', 'Helper']);
    expect(mod.subscribers).toHaveLength(1);
  });

  it('refuses a missing file, a bad export shape and an unsupported extension with a clear error', async () => {
    await expect(loadHandlerModule(path.join(dir, 'absent.mjs'))).rejects.toThrow(/absent\.mjs: file not found/);
    const badHandlers = fixture('bad-handlers.mjs', `export const handlers = [1, 2];`);
    await expect(loadHandlerModule(badHandlers)).rejects.toThrow(
      "the 'handlers' export must be an object mapping handler names to handlers",
    );
    const badEntry = fixture('bad-entry.mjs', `export default { 'A::B': 42 };`);
    await expect(loadHandlerModule(badEntry)).rejects.toThrow("default export entry 'A::B' is number");
    const badSubs = fixture('bad-subs.mjs', `export const subscribers = 'all';`);
    await expect(loadHandlerModule(badSubs)).rejects.toThrow("the 'subscribers' export must be an array");
    const syntax = fixture('syntax.ts', `export const = ;`);
    await expect(loadHandlerModule(syntax)).rejects.toThrow(
      /syntax\.ts:1:14: syntax error: Expected identifier but found "="/,
    );
    const json = fixture('handlers.json', `{}`);
    const err = await loadHandlerModule(json).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskerError);
    expect((err as Error).message).toMatch(/unsupported extension '\.json'/);
  });

  it('gives up on a module whose top-level code never settles, after timeoutMs (code handlers_timeout)', async () => {
    const stuck = fixture('stuck.mjs', `await new Promise(() => {});\nexport default {};`);
    const err = await loadHandlerModule(stuck, { timeoutMs: 200 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskerError);
    expect((err as TaskerError).code).toBe('handlers_timeout');
    expect((err as Error).message).toContain(`handlers module ${stuck}: did not finish loading within 200 ms`);
  });

  it('Tasker.open rejects likewise with handlersTimeoutMs', async () => {
    const stuck = fixture('stuck-open.mjs', `await new Promise(() => {});\nexport default {};`);
    const db = sqliteDb();
    try {
      const err = await Tasker.open({
        db: db.url,
        handlers: stuck,
        handlersTimeoutMs: 200,
        logger: silentLogger(),
      }).catch((e: unknown) => e);
      expect((err as TaskerError).code).toBe('handlers_timeout');
      expect((err as Error).message).toContain('did not finish loading within 200 ms');
    } finally {
      await db.cleanup();
    }
  });

  it('names file:line:col of a syntax error in .mjs and .cjs, and of a throw at the top level', async () => {
    const mjs = fixture('bad.mjs', `export const a = 1;\nexport function b( {\n  return 2;\n}\n`);
    await expect(loadHandlerModule(mjs)).rejects.toThrow(`${mjs}:3:10: syntax error: Expected "}" but found "2"`);
    const cjs = fixture('bad.cjs', `module.exports = {\n  a: 1,,\n};\n`);
    await expect(loadHandlerModule(cjs)).rejects.toThrow(
      new RegExp(`${cjs.replace(/[.\\]/g, '\\$&')}:2:\\d+: syntax error: `),
    );
    const throws = fixture('throws.mjs', `const n = 1;\nthrow new RangeError('bad ' + n);\n`);
    await expect(loadHandlerModule(throws)).rejects.toThrow(`${throws}:2:7: failed to load: RangeError: bad 1`);
  });
});
