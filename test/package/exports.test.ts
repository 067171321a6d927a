// The export lists of `tasker` and `tasker/api` are a reviewed decision: the names each entry exports, at run time
// and as types, must equal the lists in public-api.ts. (import-outside.test.ts checks the built dist the same way.)
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tasker from 'tasker';
import * as api from '../../src/api/index.js';
import { API_TYPES, API_VALUES, exportedNames, sorted, TASKER_TYPES, TASKER_VALUES } from './public-api.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('the public API', () => {
  it('`tasker` exports exactly the reviewed values', () => {
    expect(sorted(Object.keys(tasker))).toEqual(sorted(TASKER_VALUES));
  });

  it('`tasker/api` exports exactly the reviewed values', () => {
    expect(sorted(Object.keys(api))).toEqual(sorted(API_VALUES));
  });

  it('both entries export exactly the reviewed names, types included', () => {
    const index = resolve(ROOT, 'src/index.ts');
    const apiIndex = resolve(ROOT, 'src/api/index.ts');
    const names = exportedNames([index, apiIndex]);
    expect(names.get(index)).toEqual(sorted([...TASKER_VALUES, ...TASKER_TYPES]));
    expect(names.get(apiIndex)).toEqual(sorted([...API_VALUES, ...API_TYPES]));
  });

  it('keeps the HTTP stack out of `tasker`', () => {
    for (const name of API_VALUES) expect(name in tasker, name).toBe(false);
  });
});
