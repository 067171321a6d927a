// Registry keyed by (namespace, name, version): exact and latest-by-semver lookup, idempotent and conflicting registration.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { TemplateRegistry } from '../../src/definition/template-registry.js';
import { NotFoundError, TaskerError } from '../../src/core/errors.js';

const version = (v: string, steps = ['a']) =>
  defineTask({ name: 'checkout', namespace_name: 'shop', version: v, step_templates: steps.map((name) => ({ name })) });

describe('TemplateRegistry', () => {
  it('picks the latest by semver order, not string order', () => {
    const r = new TemplateRegistry();
    for (const v of ['1.9.0', '1.10.0', '1.2.0', '1.10.0-beta.1']) r.register(version(v));
    expect(r.get('shop', 'checkout')?.version).toBe('1.10.0');
    expect(r.versions('shop', 'checkout')).toEqual(['1.2.0', '1.9.0', '1.10.0-beta.1', '1.10.0']);
  });

  it('finds an exact version', () => {
    const r = new TemplateRegistry();
    r.register(version('1.0.0', ['a']));
    r.register(version('2.0.0', ['a', 'b']));
    expect(r.get('shop', 'checkout', '1.0.0')?.step_templates).toHaveLength(1);
    expect(r.get('shop', 'checkout', '3.0.0')).toBeUndefined();
    expect(r.require('shop', 'checkout', '2.0.0').version).toBe('2.0.0');
  });

  it('ignores an identical re-registration but refuses a conflicting duplicate', () => {
    const r = new TemplateRegistry();
    r.register(version('1.0.0', ['a']), { file: 'a.yaml' });
    r.register(version('1.0.0', ['a']), { file: 'copy.yaml' });
    expect(r.list()).toHaveLength(1);
    try {
      r.register(version('1.0.0', ['a', 'b']), { file: 'b.yaml' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(TaskerError);
      expect((err as TaskerError).code).toBe('template_conflict');
      expect((err as Error).message).toMatch(/shop\/checkout@1\.0\.0.*a\.yaml.*b\.yaml/);
    }
  });

  it('require names what was asked and what exists', () => {
    const r = new TemplateRegistry();
    r.register(version('1.0.0'));
    r.register(version('1.1.0'));
    expect(() => r.require('shop', 'checkout', '9.9.9')).toThrow(NotFoundError);
    expect(() => r.require('shop', 'checkout', '9.9.9')).toThrow(
      'no task template shop/checkout@9.9.9; available versions: 1.0.0, 1.1.0',
    );
    expect(() => r.require('shop', 'refund')).toThrow('known templates: shop/checkout@1.0.0, shop/checkout@1.1.0');
    expect(() => new TemplateRegistry().require('a', 'b')).toThrow('no templates are registered');
  });

  it('lists templates and namespaces in a stable order', () => {
    const r = new TemplateRegistry();
    r.register(defineTask({ name: 'z', namespace_name: 'beta', step_templates: [{ name: 's' }] }));
    r.register(version('1.10.0'));
    r.register(version('1.9.0'));
    expect(r.list().map((l) => `${l.template.namespace_name}/${l.template.name}@${l.template.version}`)).toEqual([
      'beta/z@0.1.0',
      'shop/checkout@1.9.0',
      'shop/checkout@1.10.0',
    ]);
    expect(r.namespaces()).toEqual(['beta', 'shop']);
  });
});
