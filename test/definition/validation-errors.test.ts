// One test per validation error of issue 2 §3: each names the file, line, step and key, and all are reported.
import { describe, expect, it } from 'vitest';
import { formatIssue } from '../../src/definition/validation-issue.js';
import { FILE, parse } from './yaml-fixture.js';

describe('template validation errors', () => {
  it('unknown key, with a did-you-mean hint (the depend_on_step typo)', () => {
    const r = parse(`
      name: order_verification
      namespace_name: ecommerce
      step_templates:
        - name: validate_order_data
        - name: check_payment
          depend_on_step: validate_order_data
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues).toEqual([
      {
        code: 'unknown_key',
        message: "unknown key (did you mean 'depends_on_step'?)",
        file: FILE,
        line: 6,
        column: 5,
        template: 'ecommerce/order_verification',
        step: 'check_payment',
        key: 'depend_on_step',
      },
    ]);
    expect(formatIssue(r.issues[0]!)).toBe(
      "tasks/broken.yaml:6:5: ecommerce/order_verification: step 'check_payment': key 'depend_on_step': unknown key (did you mean 'depends_on_step'?)",
    );
  });

  it('unknown task-level key', () => {
    const r = parse(`
      name: t
      versoin: 1.0.0
      step_templates: [{ name: a }]
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'unknown_key',
        line: 2,
        column: 1,
        key: 'versoin',
        message: expect.stringContaining("did you mean 'version'"),
      },
    ]);
  });

  it('missing required keys: the template name and a step name', () => {
    const r = parse(`
      namespace_name: ecommerce
      step_templates:
        - name: a
        - description: nameless
    `);
    expect(r.issues).toMatchObject([
      { code: 'missing_key', file: FILE, line: 1, key: 'name', message: "template has no 'name'" },
      {
        code: 'missing_key',
        file: FILE,
        line: 4,
        column: 5,
        key: 'name',
        message: expect.stringContaining("step_templates[1] has no 'name'"),
      },
    ]);
  });

  it('a dependency on an unknown step', () => {
    const r = parse(`
      name: onboarding
      step_templates:
        - name: create_account
        - name: send_welcome_email
          depends_on_step: [create_acount]
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'unknown_dependency',
        file: FILE,
        line: 5,
        column: 23,
        template: 'default/onboarding',
        step: 'send_welcome_email',
        key: 'depends_on_step',
        message: "depends on 'create_acount', which is not a step of this template (did you mean 'create_account'?)",
      },
    ]);
  });

  it('duplicate step names', () => {
    const r = parse(`
      name: t
      step_templates:
        - name: a
        - name: b
        - name: a
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'duplicate_step',
        file: FILE,
        line: 5,
        column: 11,
        step: 'a',
        key: 'name',
        message: "duplicate step name 'a' (first defined at line 3)",
      },
    ]);
  });

  it('cycles, naming the cycle', () => {
    const r = parse(`
      name: t
      step_templates:
        - name: a
          depends_on_step: c
        - name: b
          depends_on_step: a
        - name: c
          depends_on_steps: [b]
        - name: d
          depends_on_step: d
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'cycle',
        file: FILE,
        line: 4,
        step: 'a',
        key: 'depends_on_step',
        message: 'dependency cycle: a -> b -> c -> a',
      },
      { code: 'cycle', file: FILE, line: 10, step: 'd', key: 'depends_on_step', message: 'dependency cycle: d -> d' },
    ]);
  });

  it('bad semver', () => {
    const r = parse(`
      name: t
      version: 1.0.x
      step_templates: [{ name: a }]
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'bad_semver',
        file: FILE,
        line: 2,
        column: 10,
        key: 'version',
        message: expect.stringContaining("'1.0.x' is not a semantic version"),
      },
    ]);
    const unquoted = parse(`
      name: t
      version: 1.0
      step_templates: [{ name: a }]
    `);
    expect(unquoted.issues).toMatchObject([
      { code: 'wrong_type', line: 2, key: 'version', message: expect.stringContaining('quote it') },
    ]);
  });

  it('an invalid JSON Schema, pointing into the schema', () => {
    const r = parse(`
      name: t
      schema:
        type: object
        properties:
          order_id:
            type: integr
      step_templates: [{ name: a }]
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'invalid_schema',
        file: FILE,
        line: 6,
        column: 13,
        key: 'schema',
        message: expect.stringContaining('at properties.order_id.type'),
      },
    ]);
    const badRef = parse(`
      name: t
      schema: { $ref: '#/definitions/missing' }
      step_templates: [{ name: a }]
    `);
    expect(badRef.issues).toMatchObject([
      { code: 'invalid_schema', line: 2, message: expect.stringContaining("can't resolve reference") },
    ]);
  });

  it('a named_steps violation, both ways', () => {
    const r = parse(`
      name: t
      named_steps: [a, ghost]
      step_templates:
        - name: a
        - name: b
          depends_on_step: a
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'named_steps',
        file: FILE,
        line: 2,
        key: 'named_steps',
        message: "named_steps lists 'ghost', but no step template has that name",
      },
      {
        code: 'named_steps',
        file: FILE,
        line: 5,
        step: 'b',
        key: 'name',
        message: "step 'b' is not listed in named_steps",
      },
    ]);
  });

  it('YAML syntax errors with their position', () => {
    const r = parse(`
      name: t
      step_templates:
        - name: a
          depends_on_step: [x, y
        - name: b
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues[0]).toMatchObject({
      code: 'yaml_syntax',
      file: FILE,
      line: expect.any(Number),
      column: expect.any(Number),
    });
    expect(r.issues[0]!.line).toBeGreaterThanOrEqual(4);
    expect(r.issues[0]!.message).toMatch(/^YAML syntax error: /);
  });

  it('wrong types, each at its value', () => {
    const r = parse(`
      name: t
      step_templates:
        - name: a
          default_retry_limit: "3"
          timeout: 0
          skippable: yes
          handler_config: [1]
          retry: { base: 100, multiplier: 0.5, jitter: 2 }
    `);
    expect(r.issues.map((i) => [i.line, i.key, i.message])).toEqual([
      [4, 'default_retry_limit', "must be a non-negative integer, got string '3'"],
      [5, 'timeout', 'must be a positive integer of milliseconds, at most 2147483647 (about 24.8 days), got number 0'],
      [6, 'skippable', "must be true or false, got string 'yes'"],
      [7, 'handler_config', 'must be a mapping (object), got a list'],
      [8, 'retry.multiplier', 'must be a number >= 1, got number 0.5'],
      [8, 'retry.jitter', 'must be a number between 0 and 1, got number 2'],
    ]);
    expect(r.issues.every((i) => i.step === 'a' && i.code === 'wrong_type')).toBe(true);
  });

  it('an environment override naming an unknown step', () => {
    const r = parse(`
      name: t
      step_templates: [{ name: extract }]
      environments:
        production:
          step_templates:
            - name: extrct
              timeout: 1000
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'unknown_step',
        line: 6,
        step: 'extrct',
        key: 'name',
        message: expect.stringContaining("environment 'production' overrides step 'extrct'"),
      },
    ]);
  });

  it('reports every problem in one pass, sorted by position', () => {
    const r = parse(`
      name: t
      version: nope
      step_templates:
        - name: a
          depend_on_step: b
        - name: a
        - name: c
          depends_on_step: zz
    `);
    expect(r.issues.map((i) => i.code)).toEqual(['bad_semver', 'unknown_key', 'duplicate_step', 'unknown_dependency']);
    const lines = r.issues.map((i) => i.line as number);
    expect(lines).toEqual([...lines].sort((x, y) => x - y));
  });
});
