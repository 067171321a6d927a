// The code-first API: same keys, same validator, same model — a YAML template and its TypeScript twin are equal.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { TemplateValidationError } from '../../src/definition/validation-issue.js';
import { TaskerError } from '../../src/core/errors.js';
import { parse } from './yaml-fixture.js';

describe('defineTask', () => {
  it('produces exactly the model the YAML twin produces', () => {
    const fromYaml = parse(
      `
      ---
      name: order_verification
      namespace_name: ecommerce
      version: 1.2.0
      description: Verify an order
      task_handler_class: Ecommerce::OrderVerificationHandler
      named_steps: [validate_order_data, check_payment_method, finalize_order]
      schema:
        type: object
        required: [order_id]
        properties:
          order_id: { type: integer }
      step_templates:
        - name: validate_order_data
          handler_config: { strict: true }
        - name: check_payment_method
          depends_on_step: validate_order_data
          retry: { base: 250, jitter: 0 }
          timeout: 5000
        - name: finalize_order
          depends_on_step: [check_payment_method]
          depends_on_steps: [validate_order_data, check_payment_method]
          default_retryable: false
      environments:
        test:
          step_templates:
            - name: finalize_order
              default_retry_limit: 0
    `,
      'test',
    );
    expect(fromYaml.issues).toEqual([]);

    const fromCode = defineTask(
      {
        name: 'order_verification',
        namespace_name: 'ecommerce',
        version: '1.2.0',
        description: 'Verify an order',
        task_handler_class: 'Ecommerce::OrderVerificationHandler',
        named_steps: ['validate_order_data', 'check_payment_method', 'finalize_order'],
        schema: { type: 'object', required: ['order_id'], properties: { order_id: { type: 'integer' } } },
        step_templates: [
          { name: 'validate_order_data', handler_config: { strict: true } },
          {
            name: 'check_payment_method',
            depends_on_step: 'validate_order_data',
            retry: { base: 250, jitter: 0 },
            timeout: 5000,
          },
          {
            name: 'finalize_order',
            depends_on_step: ['check_payment_method'],
            depends_on_steps: ['validate_order_data', 'check_payment_method'],
            default_retryable: false,
          },
        ],
        environments: { test: { step_templates: [{ name: 'finalize_order', default_retry_limit: 0 }] } },
      },
      { env: 'test' },
    );
    expect(fromCode).toStrictEqual(fromYaml.templates[0]!.template);
    expect(fromCode.step_templates[2]!.depends_on).toEqual(['check_payment_method', 'validate_order_data']);
    expect(fromCode.step_templates[2]!.default_retry_limit).toBe(0);
  });

  it('applies the defaults and omits absent optional keys', () => {
    const t = defineTask({ name: 'tiny', step_templates: [{ name: 'only' }] });
    expect(t).toStrictEqual({
      name: 'tiny',
      namespace_name: 'default',
      version: '0.1.0',
      step_templates: [
        {
          name: 'only',
          handler_config: {},
          depends_on: [],
          default_retryable: true,
          default_retry_limit: 3,
          skippable: false,
        },
      ],
    });
    expect(Object.keys(t)).not.toContain('description');
  });

  it('throws TemplateValidationError listing every problem', () => {
    let caught: unknown;
    try {
      defineTask({
        name: 'bad',
        version: 'one',
        step_templates: [
          { name: 'a', depends_on_step: 'b' },
          { name: 'b', depends_on_step: 'a', timeout: -1 },
        ],
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TemplateValidationError);
    expect(caught).toBeInstanceOf(TaskerError);
    const err = caught as TemplateValidationError;
    expect(err.code).toBe('template_invalid');
    expect(err.issues.map((i) => i.code).sort()).toEqual(['bad_semver', 'cycle', 'wrong_type']);
    expect(err.message).toContain('3 problems');
    expect(err.message).toContain("default/bad: step 'a': key 'depends_on_step': dependency cycle: a -> b -> a");
    expect(err.issues.find((i) => i.code === 'wrong_type')).toMatchObject({ step: 'b', key: 'timeout' });
  });

  it('rejects unknown dependencies and keys at compile time too', () => {
    // The @ts-expect-error lines are checked by `tsc --noEmit`; at run time the validator catches the same mistakes.
    expect(() =>
      defineTask({
        name: 't',
        // @ts-expect-error 'z' is not a declared step name
        step_templates: [{ name: 'a' }, { name: 'b', depends_on_step: 'z' }],
      }),
    ).toThrow(/depends on 'z'/);
    expect(() =>
      defineTask({
        name: 't',
        // @ts-expect-error depend_on_step is not a key
        step_templates: [{ name: 'a', depend_on_step: 'a' }],
      }),
    ).toThrow(/did you mean 'depends_on_step'/);
  });
});
