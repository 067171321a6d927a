// The fingerprint of a template definition (template versions, issue 15): descriptions and YAML comments do not
// change it; handler classes, dependencies and retry policies do; key order does not matter. `firstDifference` names
// the first path that changed, for the refusal message.
import { describe, expect, it } from 'vitest';
import { parseTemplateText } from '../../src/definition/template-loader.js';
import type { TaskTemplate } from '../../src/definition/model.js';
import { firstDifference, templateFingerprint } from '../../src/definition/template-fingerprint.js';

const BASE = `
name: order_verification
namespace_name: ecommerce
version: 1.0.0
description: Verify an order
task_handler_class: OrderVerification
step_templates:
  - name: validate
    description: Check the order
    handler_class: Validate
  - name: charge
    depends_on_step: validate
    handler_class: Charge
    retry: { base: 100, multiplier: 2, max: 1000, jitter: 0 }
  - name: ship
    depends_on_steps: [charge]
    handler_class: Ship
`;

function parse(text: string): TaskTemplate {
  const r = parseTemplateText(text, 'order.yaml');
  expect(r.issues).toEqual([]);
  return r.templates[0]!.template;
}

const base = parse(BASE);

describe('template fingerprint', () => {
  it('is the same after description-only and comment-only changes', () => {
    const described = parse(
      BASE.replace('description: Verify an order', 'description: Verify an order, twice').replace(
        'description: Check the order',
        'description: Look at every line',
      ),
    );
    const commented = parse(`# a comment\n${BASE.replace('handler_class: Charge', 'handler_class: Charge # bills')}`);
    const undescribed = parse(BASE.replace('    description: Check the order\n', ''));
    for (const t of [described, commented, undescribed]) {
      expect(templateFingerprint(t)).toBe(templateFingerprint(base));
      expect(firstDifference(base, t)).toBeNull();
    }
  });

  it('differs when a handler class, a dependency or a retry policy changes, naming the first path', () => {
    const handler = parse(BASE.replace('handler_class: Ship', 'handler_class: ShipFast'));
    const depends = parse(BASE.replace('depends_on_steps: [charge]', 'depends_on_steps: [charge, validate]'));
    const retry = parse(BASE.replace('max: 1000', 'max: 2000'));
    const added = parse(`${BASE}  - name: notify\n    depends_on_step: ship\n    handler_class: Notify\n`);
    for (const t of [handler, depends, retry, added])
      expect(templateFingerprint(t)).not.toBe(templateFingerprint(base));
    expect(firstDifference(base, handler)).toBe('step_templates[2].handler_class changed');
    expect(firstDifference(base, depends)).toBe('step_templates[2].depends_on[1] added');
    expect(firstDifference(base, retry)).toBe('step_templates[1].retry.max changed');
    expect(firstDifference(base, added)).toBe('step_templates[3] added');
    expect(firstDifference(added, base)).toBe('step_templates[3] removed');
  });

  it('does not depend on key order, and covers fields it does not name (the whole model)', () => {
    const reordered = parse(
      BASE.replace(
        '    depends_on_step: validate\n    handler_class: Charge',
        '    handler_class: Charge\n    depends_on_step: validate',
      ),
    );
    expect(templateFingerprint(reordered)).toBe(templateFingerprint(base));
    const reversed = JSON.parse(JSON.stringify(base, Object.keys(base).reverse())) as TaskTemplate;
    expect(Object.keys(reversed)).not.toEqual(Object.keys(base));
    expect(templateFingerprint({ ...reversed, step_templates: base.step_templates })).toBe(templateFingerprint(base));
    // a field the model gains later counts without any change to the fingerprint code
    const later = {
      ...base,
      step_templates: base.step_templates.map((s, i) => (i === 1 ? { ...s, wait_for: 'x' } : s)),
    };
    expect(templateFingerprint(later)).not.toBe(templateFingerprint(base));
    expect(firstDifference(base, later)).toBe('step_templates[1].wait_for added');
  });
});
