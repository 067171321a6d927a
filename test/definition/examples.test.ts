// The seed's seven YAML templates load unchanged and normalise to the expected step graphs. The seed's YAML blocks
// are committed as a fixture (seed-yaml-blocks.md), so the byte-for-byte check runs on a clean clone too.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadTemplates } from '../../src/definition/template-loader.js';
import { TemplateRegistry } from '../../src/definition/template-registry.js';

const EXAMPLES = 'examples/config/tasker/tasks';
const SEED_BLOCKS = 'test/definition/seed-yaml-blocks.md';

describe('seed examples', () => {
  it('all seven load without a single issue', async () => {
    const result = await loadTemplates([EXAMPLES]);
    expect(result.issues).toEqual([]);
    const keys = result.templates
      .map((l) => `${l.template.namespace_name}/${l.template.name}@${l.template.version}`)
      .sort();
    expect(keys).toEqual([
      'data_processing/data_extraction@1.0.0',
      'data_processing/data_pipeline@1.0.0',
      'ecommerce/complex_order_processing@2.0.0',
      'ecommerce/conditional_order_processing@1.0.0',
      'ecommerce/order_verification@1.0.0',
      'ecommerce/simple_order_processing@1.0.0',
      'onboarding/user_onboarding@1.0.0',
    ]);
    const registry = new TemplateRegistry();
    for (const l of result.templates) registry.register(l.template, l.source);
    expect(registry.namespaces()).toEqual(['data_processing', 'ecommerce', 'onboarding']);
  });

  it('normalises depends_on_step as a string and as an array, with defaults filled in', async () => {
    const { templates } = await loadTemplates([EXAMPLES]);
    const byName = new Map(templates.map((l) => [l.template.name, l.template]));
    const extraction = byName.get('data_extraction');
    expect(extraction?.task_handler_class).toBe('DataProcessing::DataExtractionHandler');
    expect(extraction?.step_templates.map((s) => [s.name, s.depends_on])).toEqual([
      ['extract_orders', []],
      ['extract_customers', []],
      ['extract_products', []],
      ['aggregate_data', ['extract_orders', 'extract_customers', 'extract_products']],
    ]);
    const onboarding = byName.get('user_onboarding');
    expect(onboarding?.step_templates[1]).toStrictEqual({
      name: 'send_welcome_email',
      handler_config: {},
      depends_on: ['create_account'],
      default_retryable: true,
      default_retry_limit: 3,
      skippable: false,
    });
    expect(byName.get('complex_order_processing')?.step_templates.at(-1)?.depends_on).toEqual([
      'check_payment',
      'check_inventory',
    ]);
  });

  it('are the seed YAML blocks byte for byte, each in the file its block names', async () => {
    const blocks = [...readFileSync(SEED_BLOCKS, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
    expect(blocks).toHaveLength(7);
    // Each block's first line names its file: `# config/tasker/tasks/onboarding/user_onboarding_handler.yaml`.
    const seed = Object.fromEntries(blocks.map((b) => [/^#.*?([\w-]+\.yaml)\n/.exec(b)?.[1] ?? b.split('\n')[0], b]));
    const { templates } = await loadTemplates([EXAMPLES]);
    const files = Object.fromEntries(
      templates.map((l) => [path.basename(l.source.file as string), readFileSync(l.source.file as string, 'utf8')]),
    );
    expect(files).toEqual(seed);
  });
});
