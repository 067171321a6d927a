// A template's `priority` (flow control): an integer from -1000 to 1000, read the same from YAML and defineTask, and
// refused with a pointed error otherwise.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { TemplateValidationError } from '../../src/definition/validation-issue.js';
import { parse } from './yaml-fixture.js';

describe('template priority', () => {
  it('reads priority from YAML, equal to its defineTask twin; absent means none (0 at submission)', () => {
    const r = parse(`
      name: vip
      priority: 50
      step_templates:
        - name: a
    `);
    expect(r.issues).toEqual([]);
    expect(r.templates[0]!.template.priority).toBe(50);
    expect(defineTask({ name: 'vip', priority: 50, step_templates: [{ name: 'a' }] })).toEqual(
      r.templates[0]!.template,
    );
    expect(defineTask({ name: 'plain', step_templates: [{ name: 'a' }] }).priority).toBeUndefined();
    expect(defineTask({ name: 'low', priority: -1000, step_templates: [{ name: 'a' }] }).priority).toBe(-1000);
  });

  it('refuses out-of-range, fractional and non-number priorities, pointing at the key', () => {
    for (const [text, got] of [
      ['1001', 'number 1001'],
      ['-5000', 'number -5000'],
      ['2.5', 'number 2.5'],
      ['high', "string 'high'"],
    ]) {
      const r = parse(`
        name: t
        priority: ${text}
        step_templates: [{ name: a }]
      `);
      expect(r.templates).toEqual([]);
      expect(r.issues).toMatchObject([
        { code: 'wrong_type', key: 'priority', line: 2, message: `must be an integer from -1000 to 1000, got ${got}` },
      ]);
    }
    let err: unknown;
    try {
      defineTask({ name: 't', priority: 1e6, step_templates: [{ name: 'a' }] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(TemplateValidationError);
    expect((err as TemplateValidationError).issues).toMatchObject([{ key: 'priority', code: 'wrong_type' }]);
  });

  it('suggests priority for a misspelt key', () => {
    const r = parse(`
      name: t
      priorty: 3
      step_templates: [{ name: a }]
    `);
    expect(r.issues).toMatchObject([
      { code: 'unknown_key', message: expect.stringContaining("did you mean 'priority'") },
    ]);
  });
});
