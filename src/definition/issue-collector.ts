// Collects validation issues while a raw template is read, and offers typed readers for its values that report
// wrong types in place. Shared by the YAML path and the code-first path, so both give the same messages.
import { didYouMean } from './did-you-mean.js';
import { MAX_TIMEOUT_MS } from './model.js';
import type { Locator, Path } from './source-locator.js';
import type { ValidationIssue } from './validation-issue.js';

export interface IssueAt {
  path: Path;
  /** Point at the key itself (unknown keys) rather than its value. */
  part?: 'key' | 'value';
  step?: string;
  key?: string;
}

export type RawObject = Record<string, unknown>;

export function isPlainObject(value: unknown): value is RawObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** How a value is described in "got ..." messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isPlainObject(value)) return 'a mapping';
  if (typeof value === 'string') return `string '${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  return typeof value;
}

export class IssueCollector {
  readonly issues: ValidationIssue[] = [];

  constructor(
    private readonly locate: Locator,
    private readonly file?: string,
  ) {}

  /** The line where `path` sits, for "first defined at line N" hints. */
  lineOf(path: Path): number | undefined {
    return this.locate(path, 'value')?.line;
  }

  add(code: string, message: string, at: IssueAt): void {
    const pos = this.locate(at.path, at.part ?? 'value');
    const issue: ValidationIssue = { code, message };
    if (this.file !== undefined) issue.file = this.file;
    if (pos !== undefined) {
      issue.line = pos.line;
      issue.column = pos.column;
    }
    if (at.step !== undefined) issue.step = at.step;
    if (at.key !== undefined) issue.key = at.key;
    this.issues.push(issue);
  }

  /** Report every key of `obj` not in `allowed`, with a did-you-mean hint; `where` is left out when the step says it. */
  unknownKeys(obj: RawObject, allowed: readonly string[], path: Path, where: string | undefined, step?: string): void {
    for (const key of Object.keys(obj)) {
      if (allowed.includes(key)) continue;
      this.add('unknown_key', `unknown key${where !== undefined ? ` in ${where}` : ''}${didYouMean(key, allowed)}`, {
        path: [...path, key],
        part: 'key',
        key,
        ...(step !== undefined ? { step } : {}),
      });
    }
  }

  wrongType(expected: string, value: unknown, path: Path, key: string, step?: string): void {
    let hint = '';
    if (expected.includes('string') && typeof value === 'number') hint = ' (quote it in YAML)';
    this.add('wrong_type', `must be ${expected}, got ${describeValue(value)}${hint}`, {
      path,
      key,
      ...(step !== undefined ? { step } : {}),
    });
  }
}

/**
 * Typed reads of one mapping's keys. Absent and null both mean "not given" (returns undefined); a value of the
 * wrong type is reported and also returns undefined, so later checks run on what is usable.
 */
export class FieldReader {
  constructor(
    private readonly c: IssueCollector,
    private readonly obj: RawObject,
    private readonly path: Path,
    private readonly step?: string,
  ) {}

  has(key: string): boolean {
    return this.obj[key] !== undefined && this.obj[key] !== null;
  }

  private bad(expected: string, key: string, value: unknown, subPath: Path = [key]): undefined {
    this.c.wrongType(expected, value, [...this.path, ...subPath], key, this.step);
    return undefined;
  }

  string(key: string): string | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.trim() === '') return this.bad('a non-empty string', key, v);
    return v;
  }

  boolean(key: string): boolean | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') return this.bad('true or false', key, v);
    return v;
  }

  /** An integer >= min. */
  integer(key: string, min: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      const expected = min === 0 ? 'a non-negative integer' : min === 1 ? 'a positive integer' : `an integer >= ${min}`;
      return this.bad(expected, key, v);
    }
    return v;
  }

  /** An integer from `min` to `max`. */
  integerIn(key: string, min: number, max: number): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      return this.bad(`an integer from ${min} to ${max}`, key, v);
    }
    return v;
  }

  /** A timeout: a positive integer of milliseconds a timer can wait (at most MAX_TIMEOUT_MS). */
  milliseconds(key: string): number | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > MAX_TIMEOUT_MS) {
      return this.bad(`a positive integer of milliseconds, at most ${MAX_TIMEOUT_MS} (about 24.8 days)`, key, v);
    }
    return v;
  }

  object(key: string): RawObject | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (!isPlainObject(v)) return this.bad('a mapping (object)', key, v);
    return v;
  }

  /** A list of non-empty strings; also accepts a single string when `allowSingle`. Items keep their own paths. */
  stringList(key: string, allowSingle: boolean): Array<{ value: string; path: Path }> | undefined {
    const v = this.obj[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string' && allowSingle) {
      if (v.trim() === '') return this.bad('a step name or a list of step names', key, v);
      return [{ value: v, path: [...this.path, key] }];
    }
    if (!Array.isArray(v)) {
      return this.bad(allowSingle ? 'a step name or a list of step names' : 'a list of strings', key, v);
    }
    const out: Array<{ value: string; path: Path }> = [];
    v.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || item.trim() === '') {
        this.bad('a non-empty string', key, item, [key, i]);
        return;
      }
      out.push({ value: item, path: [...this.path, key, i] });
    });
    return out;
  }
}
