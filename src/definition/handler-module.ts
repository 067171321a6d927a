// Loads a handlers module (.js/.mjs/.cjs natively, .ts/.mts/.cts through tsx) within a time limit and collects its
// handlers: named exports, a default-export object and/or a `handlers` object mapping class names (Ruby-style
// allowed) to entries. A failure names the module, and the line and column when known (module-load-error.ts).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { TASKER_DEFAULTS } from '../core/defaults.js';
import { isTaskerError, TaskerError } from '../core/errors.js';
import type { HandlerEntry } from './handler-registry.js';
import { describeLoadFailure } from './module-load-error.js';

export interface HandlerModule {
  handlers: Record<string, HandlerEntry>;
  /** The module's `subscribers` export, passed through untouched. */
  subscribers: unknown[];
  /** Absolute path of the module. */
  file: string;
}

const JS_EXTENSIONS = ['.js', '.mjs', '.cjs'];
const TS_EXTENSIONS = ['.ts', '.mts', '.cts'];
const RESERVED_EXPORTS = new Set(['default', 'handlers', 'subscribers', '__esModule']);

function moduleError(file: string, message: string, cause?: unknown): TaskerError {
  return new TaskerError(`handlers module ${file}: ${message}`, 'handler_module', cause);
}

async function importModule(abs: string, shown: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const ext = path.extname(abs).toLowerCase();
  const url = pathToFileURL(abs).href;
  let load: Promise<unknown>;
  if (JS_EXTENSIONS.includes(ext)) load = import(url);
  else if (TS_EXTENSIONS.includes(ext))
    load = import('tsx/esm/api').then(({ tsImport }) => tsImport(url, import.meta.url));
  else
    throw moduleError(shown, `unsupported extension '${ext}' (use ${[...JS_EXTENSIONS, ...TS_EXTENSIONS].join(', ')})`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const message =
        `did not finish loading within ${timeoutMs} ms: its top-level code is still running (an await that never ` +
        'settles?); if it is only slow, raise --handlers-timeout / handlersTimeoutMs';
      reject(new TaskerError(`handlers module ${shown}: ${message}`, 'handlers_timeout'));
    }, timeoutMs);
  });
  try {
    return (await Promise.race([load, timedOut])) as Record<string, unknown>;
  } catch (err) {
    if (isTaskerError(err) && err.code === 'handlers_timeout') throw err;
    const failure = await describeLoadFailure(err, abs);
    throw moduleError(failure.at === null ? shown : `${shown}:${failure.at}`, failure.message, err);
  } finally {
    clearTimeout(timer);
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' &&
  v !== null &&
  !Array.isArray(v) &&
  typeof (v as { process?: unknown }).process !== 'function';

/** Add each entry, refusing non-handler values and two different entries under one name. */
function addAll(
  into: Record<string, HandlerEntry>,
  from: Record<string, unknown>,
  origin: string,
  shown: string,
): void {
  for (const [name, entry] of Object.entries(from)) {
    if ((typeof entry !== 'function' && typeof entry !== 'object') || entry === null) {
      throw moduleError(
        shown,
        `${origin} entry '${name}' is ${entry === null ? 'null' : typeof entry}; expected a class, an object with process() or a function`,
      );
    }
    const existing = into[name];
    if (existing !== undefined && existing !== entry) {
      throw moduleError(shown, `two different handlers are exported as '${name}' (${origin} and an earlier export)`);
    }
    into[name] = entry;
  }
}

/**
 * A TypeScript/ESM module compiled to CommonJS (e.g. a .ts file outside a `"type": "module"` package) arrives as
 * `{ default: <exports with __esModule> }`; its real exports are that inner object.
 */
function unwrapTranspiled(ns: Record<string, unknown>): Record<string, unknown> {
  const def = ns['default'] as { __esModule?: unknown } | undefined;
  if (typeof def === 'object' && def !== null && def.__esModule === true)
    return { ...(def as Record<string, unknown>) };
  return ns;
}

export interface LoadHandlerModuleOptions {
  /**
   * How long the module's top-level code may run before loading fails (code `handlers_timeout`). Default 30 s.
   * An import cannot be cancelled: after a timeout, whatever the module started keeps running in this process.
   */
  timeoutMs?: number;
}

export async function loadHandlerModule(file: string, options: LoadHandlerModuleOptions = {}): Promise<HandlerModule> {
  const abs = path.resolve(file);
  try {
    if (!(await stat(abs)).isFile()) throw new Error('not a file');
  } catch {
    throw moduleError(file, 'file not found');
  }
  const ns = unwrapTranspiled(await importModule(abs, file, options.timeoutMs ?? TASKER_DEFAULTS.handlersTimeoutMs));
  const handlers: Record<string, HandlerEntry> = {};

  // Named exports: functions/classes, or objects with process(). Data exports (config objects) are not handlers.
  const named: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(ns)) {
    if (RESERVED_EXPORTS.has(name)) continue;
    if (typeof value === 'function' || (typeof value === 'object' && value !== null && !isMapping(value)))
      named[name] = value;
  }
  addAll(handlers, named, 'named export', file);

  const def = ns['default'];
  if (def !== undefined && def !== null) {
    if (typeof def === 'function') {
      if (def.name === '')
        throw moduleError(
          file,
          'the default export is an anonymous function; export an object mapping handler names instead',
        );
      addAll(handlers, { [def.name]: def }, 'default export', file);
    } else if (isMapping(def)) {
      // A CommonJS module's default is its whole exports object, which may itself carry `handlers`/`subscribers`.
      const { handlers: _h, subscribers: _s, ...rest } = def;
      addAll(handlers, rest, 'default export', file);
    } else {
      throw moduleError(
        file,
        `the default export must be an object mapping handler names to handlers; got ${Array.isArray(def) ? 'an array' : typeof def}`,
      );
    }
  }

  const mapping = ns['handlers'] ?? (isMapping(def) ? def['handlers'] : undefined);
  if (mapping !== undefined) {
    if (!isMapping(mapping))
      throw moduleError(file, "the 'handlers' export must be an object mapping handler names to handlers");
    addAll(handlers, mapping, "'handlers' export", file);
  }

  const subscribers = ns['subscribers'] ?? (isMapping(def) ? def['subscribers'] : undefined);
  if (subscribers !== undefined && !Array.isArray(subscribers)) {
    throw moduleError(file, `the 'subscribers' export must be an array; got ${typeof subscribers}`);
  }
  return { handlers, subscribers: (subscribers as unknown[] | undefined) ?? [], file: abs };
}
