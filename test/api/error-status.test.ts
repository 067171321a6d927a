// The API's answer to every TaskerError code: the table in src/api/errors.ts covers the whole TaskerErrorCode union
// (the type system refuses a table missing one), the answers stay as documented (400/404/409, anything else a 500
// that reveals nothing), and errors are recognised by their brand, so another copy of the package maps the same.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { mapError, TASKER_STATUS } from '../../src/api/errors.js';
import * as errors from '../../src/core/errors.js';
import { TASKER_ERROR_CODES, TaskerError, type TaskerErrorCode } from '../../src/core/errors.js';

const CLIENT_ERRORS: Partial<Record<TaskerErrorCode, number>> = {
  invalid_request: 400,
  not_found: 404,
  illegal_action: 409,
};

describe('TaskerError codes over HTTP', () => {
  it('has an answer for every code, and the type system insists on it', () => {
    expect(Object.keys(TASKER_STATUS).sort()).toEqual(Object.keys(TASKER_ERROR_CODES).sort());
    // @ts-expect-error -- a table without every code of the union does not compile
    const partial: typeof TASKER_STATUS = { invalid_request: 400, not_found: 404, illegal_action: 409 };
    expect(partial).toBeDefined();
  });

  it('answers 400, 404 and 409 for refusals and an opaque 500 for every other code', () => {
    for (const code of Object.keys(TASKER_ERROR_CODES) as TaskerErrorCode[]) {
      const mapped = mapError(new TaskerError(`secret detail of ${code}`, code, { why: 'internal' }));
      const status = CLIENT_ERRORS[code];
      if (status !== undefined) {
        expect({ code, status: mapped.status, fault: mapped.fault }).toEqual({ code, status, fault: false });
        expect(mapped.body).toEqual({
          error: { code, message: `secret detail of ${code}`, details: { why: 'internal' } },
        });
      } else {
        expect({ code, status: mapped.status, fault: mapped.fault }).toEqual({ code, status: 500, fault: true });
        expect(JSON.stringify(mapped.body)).not.toContain('secret detail');
      }
    }
  });

  it('maps the errors of another copy of the package the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tasker-status-'));
    try {
      const outfile = join(dir, 'errors-copy.mjs');
      await build({
        entryPoints: [resolve(import.meta.dirname, '../../src/core/errors.ts')],
        bundle: true,
        format: 'esm',
        platform: 'node',
        outfile,
        logLevel: 'silent',
      });
      const copy = (await import(pathToFileURL(outfile).href)) as typeof errors;
      expect(copy.NotFoundError).not.toBe(errors.NotFoundError);
      expect(mapError(new copy.NotFoundError('task 7 does not exist')).status).toBe(404);
      expect(mapError(new copy.OperatorActionError('step is running')).status).toBe(409);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
