// Rate limits in templates (flow control): a template's `rate_limits` declares named token buckets (limit per period,
// burst), a step's `rate_limit` uses one by name, optionally keyed by context fields. YAML and defineTask read them
// alike; mistakes are pointed at with their line, step and key.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { parse } from './yaml-fixture.js';

describe('rate limits in templates', () => {
  it('reads declared limits and keyed and plain uses from YAML, equal to the defineTask twin', () => {
    const r = parse(`
      name: pay
      rate_limits:
        payment_gateway: { limit: 100, period: 1m, burst: 10 }
        mailer: { limit: 5, period: 1000 }
      step_templates:
        - name: charge
          rate_limit: "payment_gateway:context.merchant_id, context.region"
        - name: notify
          depends_on_step: charge
          rate_limit: mailer
    `);
    expect(r.issues).toEqual([]);
    const t = r.templates[0]!.template;
    expect(t.rate_limits).toEqual({
      payment_gateway: { limit: 100, period: 60_000, burst: 10 },
      mailer: { limit: 5, period: 1000, burst: 0 },
    });
    expect(t.step_templates.map((s) => s.rate_limit)).toEqual([
      { name: 'payment_gateway', key: 'context.merchant_id,context.region' },
      { name: 'mailer' },
    ]);
    const code = defineTask({
      name: 'pay',
      rate_limits: { payment_gateway: { limit: 100, period: '1m', burst: 10 }, mailer: { limit: 5, period: 1000 } },
      step_templates: [
        { name: 'charge', rate_limit: 'payment_gateway:context.merchant_id,context.region' },
        { name: 'notify', depends_on_step: 'charge', rate_limit: 'mailer' },
      ],
    });
    expect(code).toEqual(t);
  });

  it('points at a bad period, a missing limit, a bad name, unknown keys and bad uses', () => {
    const r = parse(`
      name: t
      rate_limits:
        api: { limit: 10, period: 5 minutes }
        "bad name": { limit: 1, period: 1s }
        mail: { period: 1s, brust: 2 }
      step_templates:
        - name: a
          rate_limit: "api:merchant_id"
        - name: b
          rate_limit: 5
        - name: c
          rate_limit: ":context.x"
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.step, i.key, i.code])).toEqual([
      [3, undefined, 'period', 'invalid_value'],
      [4, undefined, 'rate_limits', 'invalid_value'],
      [5, undefined, 'rate_limits.mail.limit', 'missing_key'],
      [5, undefined, 'brust', 'unknown_key'],
      [8, 'a', 'rate_limit', 'invalid_value'],
      [10, 'b', 'rate_limit', 'wrong_type'],
      [12, 'c', 'rate_limit', 'invalid_value'],
    ]);
    const messages = r.issues.map((i) => i.message);
    expect(messages[0]).toContain("rate limit 'api': period must be a duration such as '90s'");
    expect(messages[1]).toContain("rate limit name 'bad name' may hold only letters");
    expect(messages[2]).toContain("rate limit 'mail' has no 'limit'");
    expect(messages[3]).toBe("unknown key in rate limit 'mail'");
    expect(messages[4]).toContain("rate_limit key 'merchant_id' is not a context field: write api:context.<field>");
    expect(messages[5]).toContain('must be a rate limit name');
    expect(messages[6]).toContain('does not start with a limit name');
  });

  it('refuses a period of zero or beyond 365 days and a negative burst', () => {
    const r = parse(`
      name: t
      rate_limits:
        a: { limit: 1, period: 0 }
        b: { limit: 1, period: 400d }
        c: { limit: 1, period: 1s, burst: -1 }
      step_templates:
        - name: s
          rate_limit: a
    `);
    expect(r.issues.map((i) => [i.line, i.key, i.code])).toEqual([
      [3, 'period', 'invalid_value'],
      [4, 'period', 'invalid_value'],
      [5, 'burst', 'wrong_type'],
    ]);
    expect(r.issues[0]!.message).toContain("must be between 1 ms and 365d, got '0'");
  });
});
