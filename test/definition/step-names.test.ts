// All-digit step names are refused: step routes and `tasker tasks retry|resolve|skip` read an all-digit step
// reference as a workflow step id, so such a name could never be addressed. Reported like every other template
// error, with file, line, column, step and key, from YAML and from defineTask.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { TemplateValidationError } from '../../src/definition/validation-issue.js';
import { FILE, parse } from './yaml-fixture.js';

describe('step names', () => {
  it('refuses an all-digit step name in YAML, pointing at it', () => {
    const r = parse(`
      name: numbered
      step_templates:
        - name: first
        - name: "2"
          depends_on_step: first
        - name: step3
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues).toEqual([
      {
        code: 'invalid_value',
        message: expect.stringMatching(/^step name '2' is all digits/),
        file: FILE,
        line: 4,
        column: 11,
        template: 'default/numbered',
        step: '2',
        key: 'name',
      },
    ]);
  });

  it('refuses it from defineTask too, and accepts names with digits and a letter', () => {
    expect(() => defineTask({ name: 't', step_templates: [{ name: '007' }] })).toThrow(TemplateValidationError);
    expect(() => defineTask({ name: 't', step_templates: [{ name: '007' }] })).toThrow(/step name '007' is all digits/);
    expect(
      defineTask({
        name: 't',
        step_templates: [{ name: 'step1' }, { name: '2b', depends_on_step: 'step1' }],
      }).step_templates.map((s) => s.name),
    ).toEqual(['step1', '2b']);
  });
});
