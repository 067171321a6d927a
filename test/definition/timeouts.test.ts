// Step timeouts in templates: a step's `timeout` and the template's `default_step_timeout` are positive milliseconds
// no larger than a timer can wait (2^31-1 ms, about 24.8 days; a larger value would fire at once), in YAML and code.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { TemplateValidationError } from '../../src/definition/validation-issue.js';
import { parse } from './yaml-fixture.js';

describe('step timeouts in templates', () => {
  it('reads default_step_timeout from YAML, equal to its defineTask twin', () => {
    const r = parse(`
      name: t
      default_step_timeout: 60000
      step_templates:
        - name: a
        - name: b
          timeout: 5000
    `);
    expect(r.issues).toEqual([]);
    const yamlTemplate = r.templates[0]!.template;
    expect(yamlTemplate.default_step_timeout).toBe(60_000);
    const code = defineTask({
      name: 't',
      default_step_timeout: 60_000,
      step_templates: [{ name: 'a' }, { name: 'b', timeout: 5000 }],
    });
    expect(code).toEqual(yamlTemplate);
  });

  it('rejects zero, negative, fractional and too-large values, pointing at each', () => {
    const r = parse(`
      name: t
      default_step_timeout: 0
      step_templates:
        - name: a
          timeout: 3000000000
        - name: b
          timeout: 1.5
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.key, i.step, i.code])).toEqual([
      [2, 'default_step_timeout', undefined, 'wrong_type'],
      [5, 'timeout', 'a', 'wrong_type'],
      [7, 'timeout', 'b', 'wrong_type'],
    ]);
    expect(r.issues[0]!.message).toBe(
      'must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got number 0',
    );
    expect(r.issues[1]!.message).toContain('got number 3000000000');
  });

  it('defineTask reports a bad default_step_timeout', () => {
    let err: unknown;
    try {
      defineTask({ name: 't', default_step_timeout: -5, step_templates: [{ name: 'a' }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateValidationError);
    expect((err as TemplateValidationError).issues).toMatchObject([
      { key: 'default_step_timeout', code: 'wrong_type' },
    ]);
  });

  it('suggests default_step_timeout for a misspelt task-level key', () => {
    const r = parse(`
      name: t
      default_step_timout: 1000
      step_templates: [{ name: a }]
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'unknown_key',
        key: 'default_step_timout',
        message: expect.stringContaining("did you mean 'default_step_timeout'"),
      },
    ]);
  });
});
