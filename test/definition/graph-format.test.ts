// Rendering the step graph as Mermaid, DOT and JSON.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { renderGraph } from '../../src/definition/graph-format.js';

const diamond = defineTask({
  name: 'order_verification',
  namespace_name: 'ecommerce',
  version: '1.0.0',
  step_templates: [
    { name: 'validate' },
    { name: 'pay', depends_on_step: 'validate' },
    { name: 'ship', depends_on_step: 'validate' },
    { name: 'end', depends_on_step: ['pay', 'ship'] },
  ],
});

describe('renderGraph', () => {
  it('json gives {nodes, edges, levels, roots, leaves}', () => {
    expect(JSON.parse(renderGraph(diamond, 'json'))).toEqual({
      nodes: ['validate', 'pay', 'ship', 'end'],
      edges: [
        { from: 'validate', to: 'pay' },
        { from: 'validate', to: 'ship' },
        { from: 'pay', to: 'end' },
        { from: 'ship', to: 'end' },
      ],
      levels: [['validate'], ['pay', 'ship'], ['end']],
      roots: ['validate'],
      leaves: ['end'],
    });
  });

  it('mermaid uses step names as ids except where mermaid would choke (`end`)', () => {
    const out = renderGraph(diamond, 'mermaid');
    expect(out.split('\n')).toEqual([
      'flowchart TD',
      '  %% ecommerce/order_verification@1.0.0',
      '  validate["validate"]',
      '  pay["pay"]',
      '  ship["ship"]',
      '  step_3["end"]',
      '  validate --> pay',
      '  validate --> ship',
      '  pay --> step_3',
      '  ship --> step_3',
      '',
    ]);
  });

  it('dot quotes every name', () => {
    const out = renderGraph(diamond, 'dot');
    expect(out).toContain('digraph "ecommerce/order_verification@1.0.0" {');
    expect(out).toContain('  "pay" -> "end";');
    expect(out.trim().endsWith('}')).toBe(true);
  });

  it('draws a mapped step as one node for all its instances, labelled with its list', () => {
    const orders = defineTask({
      name: 'order_lines',
      namespace_name: 'shop',
      version: '1.0.0',
      step_templates: [
        { name: 'load_order' },
        {
          name: 'charge_line_item',
          depends_on_step: 'load_order',
          map: { over: 'load_order.results.line_items', max_parallel: 10 },
        },
      ],
    });
    const label = 'charge_line_item (map over load_order.results.line_items, max_parallel 10)';
    expect(renderGraph(orders, 'mermaid')).toContain(`  charge_line_item[["${label}"]]`);
    expect(renderGraph(orders, 'dot')).toContain(`  "charge_line_item" [shape=box3d, label="${label}"];`);
    expect(JSON.parse(renderGraph(orders, 'json')).maps).toEqual({
      charge_line_item: { over: 'load_order.results.line_items', max_parallel: 10 },
    });
    expect(JSON.parse(renderGraph(diamond, 'json'))).not.toHaveProperty('maps');
  });
});
