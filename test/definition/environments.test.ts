// environments.<env>.step_templates[] overrides merge into the base steps by name; the environment comes from the
// explicit option, then TASKER_ENV, then NODE_ENV.
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY } from '../../src/definition/model.js';
import { parseTemplateText } from '../../src/definition/template-loader.js';
import { parse, yaml } from './yaml-fixture.js';

const TEMPLATE = `
  name: etl
  namespace_name: data
  step_templates:
    - name: extract
      timeout: 1000
      handler_config: { source: orders, batch: 10 }
      retry: { base: 500 }
    - name: load
      depends_on_step: extract
  environments:
    production:
      step_templates:
        - name: extract
          timeout: 60000
          handler_config: { batch: 500 }
          retry: { max: 120000 }
        - name: load
          depends_on_steps: [extract]
          default_retry_limit: 10
    development:
      step_templates:
        - name: load
          skippable: true
`;

const savedEnv = { TASKER_ENV: process.env['TASKER_ENV'], NODE_ENV: process.env['NODE_ENV'] };
afterEach(() => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('environment overrides', () => {
  it('merges the active environment: keys replaced, handler_config and retry merged', () => {
    const r = parse(TEMPLATE, 'production');
    expect(r.issues).toEqual([]);
    const [extract, load] = r.templates[0]!.template.step_templates;
    expect(extract).toStrictEqual({
      name: 'extract',
      timeout: 60000,
      handler_config: { source: 'orders', batch: 500 },
      retry: { ...DEFAULT_RETRY_POLICY, base: 500, max: 120000 },
      depends_on: [],
      default_retryable: true,
      default_retry_limit: 3,
      skippable: false,
    });
    expect(load).toMatchObject({ depends_on: ['extract'], default_retry_limit: 10, skippable: false });
    expect(r.templates[0]!.source.environment).toBe('production');
  });

  it('leaves the base alone in an environment without overrides', () => {
    const r = parse(TEMPLATE, 'staging');
    const [extract, load] = r.templates[0]!.template.step_templates;
    expect(extract).toMatchObject({
      timeout: 1000,
      handler_config: { source: 'orders', batch: 10 },
      retry: { base: 500, max: DEFAULT_RETRY_POLICY.max },
    });
    expect(load).toMatchObject({ default_retry_limit: 3, skippable: false });
    expect(r.templates[0]!.source.environment).toBeUndefined();
  });

  it('takes the environment from TASKER_ENV before NODE_ENV', () => {
    process.env['TASKER_ENV'] = 'development';
    process.env['NODE_ENV'] = 'production';
    const fromTasker = parseTemplateText(yaml(TEMPLATE), 'etl.yaml');
    expect(fromTasker.templates[0]!.template.step_templates[1]!.skippable).toBe(true);
    delete process.env['TASKER_ENV'];
    const fromNode = parseTemplateText(yaml(TEMPLATE), 'etl.yaml');
    expect(fromNode.templates[0]!.template.step_templates[0]!.timeout).toBe(60000);
  });

  it('checks keys in every environment, not only the active one', () => {
    const r = parse(
      `
      name: t
      step_templates: [{ name: a }]
      environments:
        production:
          step_templates:
            - name: a
              timout: 5
    `,
      'development',
    );
    expect(r.issues).toMatchObject([
      { code: 'unknown_key', line: 7, step: 'a', key: 'timout', message: expect.stringContaining("'timeout'") },
    ]);
  });

  it('an override can introduce a cycle, which is then reported', () => {
    const r = parse(
      `
      name: t
      step_templates:
        - name: a
        - name: b
          depends_on_step: a
      environments:
        production:
          step_templates:
            - name: a
              depends_on_step: b
    `,
      'production',
    );
    expect(r.issues).toMatchObject([{ code: 'cycle', line: 10, step: 'a', message: 'dependency cycle: a -> b -> a' }]);
  });
});
