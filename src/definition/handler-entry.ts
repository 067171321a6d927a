// Turns whatever a user registered as a handler into something callable: a class with process() (instantiated once,
// no arguments), an object with process(), or a plain (async) function. Task handlers default to ConfiguredTask.
import { TaskerError } from '../engine/errors.js';
import { ConfiguredTask, type StepHandlerFunction, type StepHandlerLike, type TaskHandlerLike } from '../engine/handler-api.js';
import type { HandlerEntry } from './handler-registry.js';

type Constructor = new () => unknown;

function describe(entry: unknown): string {
  if (entry === null) return 'null';
  if (typeof entry === 'function') return `function ${entry.name || '(anonymous)'}`;
  if (Array.isArray(entry)) return 'an array';
  if (typeof entry === 'object') return 'an object without a process() method';
  return `${typeof entry} ${String(entry)}`;
}

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

function instantiate(entry: Function, name: string, role: string): unknown {
  try {
    return new (entry as Constructor)();
  } catch (err) {
    throw new TaskerError(`cannot create ${role} '${name}': its constructor threw: ${(err as Error).message}`, 'handler_invalid', err);
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
      throw new TaskerError(`task handler '${name}' must be a class or an object with hook methods; got an arrow function`, 'handler_invalid');
    }
    return instantiate(entry, name, 'task handler') as TaskHandlerLike;
  }
  if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) return entry as TaskHandlerLike;
  throw new TaskerError(`task handler '${name}' must be a class or an object with hook methods; got ${describe(entry)}`, 'handler_invalid');
}
