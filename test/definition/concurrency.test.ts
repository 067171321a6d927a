// Concurrency limits in templates (flow control): a template's `concurrency` needs a key (context fields) and a
// limit; a step's takes a limit and an optional key. YAML and defineTask read them alike; mistakes are pointed.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { parse } from './yaml-fixture.js';

describe('concurrency limits in templates', () => {
  it('reads a per-key task limit and step limits from YAML, equal to the defineTask twin', () => {
    const r = parse(`
      name: sync
      concurrency:
        key: "context.tenant_id, context.region"
        limit: 2
      step_templates:
        - name: fetch
          concurrency: { limit: 5 }
        - name: push
          depends_on_step: fetch
          concurrency: { limit: 1, key: context.account.id }
    `);
    expect(r.issues).toEqual([]);
    const t = r.templates[0]!.template;
    expect(t.concurrency).toEqual({ key: 'context.tenant_id,context.region', limit: 2 });
    expect(t.step_templates.map((s) => s.concurrency)).toEqual([{ limit: 5 }, { key: 'context.account.id', limit: 1 }]);
    const code = defineTask({
      name: 'sync',
      concurrency: { key: 'context.tenant_id,context.region', limit: 2 },
      step_templates: [
        { name: 'fetch', concurrency: { limit: 5 } },
        { name: 'push', depends_on_step: 'fetch', concurrency: { limit: 1, key: 'context.account.id' } },
      ],
    });
    expect(code).toEqual(t);
  });

  it('points at a missing key or limit, a bad key, a bad limit and unknown keys', () => {
    const r = parse(`
      name: t
      concurrency:
        limit: 1
      step_templates:
        - name: a
          concurrency: { key: customer_id, limit: 0 }
        - name: b
          concurrency: { limt: 3 }
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.step, i.key, i.code])).toEqual([
      [3, undefined, 'concurrency.key', 'missing_key'],
      [6, 'a', 'concurrency.key', 'invalid_value'],
      [6, 'a', 'limit', 'wrong_type'],
      [8, 'b', 'concurrency.limit', 'missing_key'],
      [8, 'b', 'limt', 'unknown_key'],
    ]);
    expect(r.issues[0]!.message).toContain("a template's concurrency needs a 'key'");
    expect(r.issues[1]!.message).toContain("concurrency key 'customer_id' is not a context field");
    expect(r.issues[2]!.message).toBe('must be an integer from 1 to 1000000, got number 0');
    expect(r.issues[4]!.message).toContain("did you mean 'limit'");
  });
});
