// `tasker graph` end to end: JSON/mermaid/dot output of a seed template, latest version by default, usage errors exit 2.
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-runner.js';

const TEMPLATES = ['--templates', 'examples/config/tasker/tasks'];

describe('tasker graph', () => {
  it('--format json prints {nodes, edges, levels, roots, leaves}', async () => {
    const r = await runCli(['graph', 'ecommerce/order_verification@1.0.0', ...TEMPLATES, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const graph = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(Object.keys(graph)).toEqual(['nodes', 'edges', 'levels', 'roots', 'leaves']);
    expect(graph['levels']).toEqual([
      ['validate_order_data'],
      ['check_payment_method', 'verify_shipping_address', 'check_inventory_availability'],
      ['finalize_order'],
    ]);
    expect(graph['roots']).toEqual(['validate_order_data']);
    expect(graph['leaves']).toEqual(['finalize_order']);
    expect(graph['edges']).toHaveLength(6);
  });

  it('defaults to mermaid and to the latest version', async () => {
    const r = await runCli(['graph', 'data_processing/data_extraction', ...TEMPLATES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^flowchart TD\n {2}%% data_processing\/data_extraction@1\.0\.0\n/);
    expect(r.stdout).toContain('  extract_products --> aggregate_data');
    const dot = await runCli(['graph', 'onboarding/user_onboarding', ...TEMPLATES, '--format', 'dot']);
    expect(dot.stdout).toContain('"create_account" -> "send_welcome_email";');
  });

  it('usage errors exit 2 with a helpful message', async () => {
    const badFormat = await runCli(['graph', 'ecommerce/order_verification', ...TEMPLATES, '--format', 'svg']);
    expect(badFormat.code).toBe(2);
    expect(badFormat.stderr).toContain('Allowed choices are mermaid, dot, json');

    const badRef = await runCli(['graph', 'order_verification', ...TEMPLATES]);
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toContain(
      "template reference 'order_verification' must look like <namespace>/<name>[@version]",
    );

    const unknown = await runCli(['graph', 'ecommerce/refunds', ...TEMPLATES]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown template 'ecommerce/refunds'; templates found: data_processing/data_extraction@1.0.0",
    );

    const wrongVersion = await runCli(['graph', 'ecommerce/complex_order_processing@1.0.0', ...TEMPLATES]);
    expect(wrongVersion.code).toBe(2);
    expect(wrongVersion.stderr).toContain('available versions: 2.0.0');

    const missing = await runCli(['graph']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'template'");
  });
});
