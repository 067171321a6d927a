// Turns whatever a user registered as a handler into something callable: a class with process() (instantiated once,
// no arguments), an object with process(), or a plain (async) function. Task handlers default to ConfiguredTask.
import { TaskerError } from '../core/errors.js';
import {
  ConfiguredTask,
  type StepHandlerFunction,
  type StepHandlerLike,
  type TaskHandlerLike,
} from '../core/handler-api.js';

/** What may be registered as a handler: a class, an object with hook or process() methods, or a function. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type HandlerEntry = Function | object;

type Constructor = new () => unknown;

function describe(entry: unknown): string {
  if (entry === null) return 'null';
  if (typeof entry === 'function') return `function ${entry.name || '(anonymous)'}`;
  if (Array.isArray(entry)) return 'an array';
  if (typeof entry === 'object') return 'an object without a process() method';
  return `${typeof entry} ${String(entry)}`;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- any registered class or function
const isClass = (fn: Function): boolean => /^class[\s{]/.test(Function.prototype.toString.call(fn));
const hasProcess = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && typeof (value as { process?: unknown }).process === 'function';

/** Why `entry` cannot serve as a step handler, or undefined when it can. Does not instantiate anything. */
export function stepHandlerProblem(entry: unknown): string | undefined {
  if (typeof entry === 'function') {
    if (hasProcess(entry.prototype)) return undefined;
    if (isClass(entry)) return `class ${entry.name || '(anonymous)'} has no process() method`;
    return undefined; // a plain function is the handler itself
  }
  if (hasProcess(entry)) return undefined;
  return `expected a class with process(), an object with process(), or a function; got ${describe(entry)}`;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- a registered class, called with no arguments
function instantiate(entry: Function, name: string, role: string): unknown {
  try {
    return new (entry as Constructor)();
  } catch (err) {
    throw new TaskerError(
      `cannot create ${role} '${name}': its constructor threw: ${(err as Error).message}`,
      'handler_invalid',
      err,
    );
  }
}

export function toStepHandler(entry: HandlerEntry, name: string): StepHandlerLike {
  const problem = stepHandlerProblem(entry);
  if (problem !== undefined) throw new TaskerError(`step handler '${name}' is unusable: ${problem}`, 'handler_invalid');
  if (typeof entry === 'function') {
    if (hasProcess(entry.prototype)) return instantiate(entry, name, 'step handler') as StepHandlerLike;
    const fn = entry as StepHandlerFunction;
    return { process: (task, sequence, step) => fn(task, sequence, step) };
  }
  return entry as StepHandlerLike;
}

export function toTaskHandler(entry: HandlerEntry | undefined, name = 'task handler'): TaskHandlerLike {
  if (entry === undefined) return new ConfiguredTask();
  if (typeof entry === 'function') {
    if (entry.prototype === undefined) {
      throw new TaskerError(
        `task handler '${name}' must be a class or an object with hook methods; got an arrow function`,
        'handler_invalid',
      );
    }
    return withSeedHookNames(instantiate(entry, name, 'task handler') as TaskHandlerLike, name);
  }
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry))
    return withSeedHookNames(entry as TaskHandlerLike, name);
  throw new TaskerError(
    `task handler '${name}' must be a class or an object with hook methods; got ${describe(entry)}`,
    'handler_invalid',
  );
}

/** The task-handler hooks, with the seed's (Ruby) snake_case spelling of each. */
const SEED_HOOK_NAMES = [
  ['establishStepDependenciesAndDefaults', 'establish_step_dependencies_and_defaults'],
  ['updateAnnotations', 'update_annotations'],
] as const;

type Hook = (...args: never[]) => unknown;

/**
 * A handler written with the seed's snake_case hook names gets an adapter calling them under the camelCase names
 * the engine uses; one without them is returned unchanged. ConfiguredTask's inherited no-ops do not count as
 * defined, so a subclass may use either spelling. Defining both spellings of one hook is refused: one would be
 * ignored.
 */
function withSeedHookNames(handler: TaskHandlerLike, name: string): TaskHandlerLike {
  const h = handler as Record<string, unknown>;
  if (!SEED_HOOK_NAMES.some(([, snake]) => typeof h[snake] === 'function')) return handler;
  const adapter: Record<string, Hook> = {};
  for (const [camel, snake] of SEED_HOOK_NAMES) {
    const own =
      h[camel] !== ConfiguredTask.prototype[camel] && typeof h[camel] === 'function' ? (h[camel] as Hook) : undefined;
    const seed = typeof h[snake] === 'function' ? (h[snake] as Hook) : undefined;
    if (own !== undefined && seed !== undefined && own !== seed) {
      throw new TaskerError(`task handler '${name}' defines both ${camel} and ${snake}; keep one`, 'handler_invalid');
    }
    const hook = seed ?? own;
    if (hook !== undefined) adapter[camel] = (...args) => hook.apply(handler, args);
  }
  return adapter as TaskHandlerLike;
}
