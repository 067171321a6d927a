// Template `schedules:` (issue 14, "Cron schedules"): normalised with defaults, equal from YAML and defineTask, and
// every problem reported at once with the YAML path of what is wrong.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { formatIssue, TemplateValidationError } from '../../src/definition/validation-issue.js';
import { FILE, parse } from './yaml-fixture.js';

const SCHEMA = `
      schema:
        type: object
        required: [window]
        properties:
          window: { type: string, enum: [1h, 1d] }`;

describe('template schedules', () => {
  it('normalises schedules with their defaults (UTC, catch_up none, enabled, empty context)', () => {
    const r = parse(`
      name: rollup
      namespace_name: reports
      step_templates: [{ name: a }]
      schedules:
        - name: hourly_rollup
          cron: "0 * * * *"
          timezone: Europe/Paris
          context: { window: 1h }
          catch_up: latest
        - name: every_ten_seconds
          cron: "*/10 * * * * *"
          enabled: false
    `);
    expect(r.issues).toEqual([]);
    expect(r.templates[0]!.template.schedules).toStrictEqual([
      {
        name: 'hourly_rollup',
        cron: '0 * * * *',
        timezone: 'Europe/Paris',
        context: { window: '1h' },
        catch_up: 'latest',
        enabled: true,
      },
      {
        name: 'every_ten_seconds',
        cron: '*/10 * * * * *',
        timezone: 'UTC',
        context: {},
        catch_up: 'none',
        enabled: false,
      },
    ]);
  });

  it('a template without schedules has no schedules key (its model is unchanged)', () => {
    const r = parse(`
      name: plain
      step_templates: [{ name: a }]
    `);
    expect(r.templates[0]!.template).not.toHaveProperty('schedules');
  });

  it('defineTask gives the same model as YAML', () => {
    const yaml = parse(`
      name: rollup
      step_templates: [{ name: a }]
      schedules:
        - { name: nightly, cron: "30 2 * * *", timezone: Europe/Paris, catch_up: all }
    `).templates[0]!.template;
    const code = defineTask({
      name: 'rollup',
      step_templates: [{ name: 'a' }],
      schedules: [{ name: 'nightly', cron: '30 2 * * *', timezone: 'Europe/Paris', catch_up: 'all' }],
    });
    expect(code).toStrictEqual(yaml);
  });

  it('reports each bad schedule key at its YAML position', () => {
    const r = parse(`
      name: rollup
      namespace_name: reports
      step_templates: [{ name: a }]
      schedules:
        - name: a
          cron: "61 * * * *"
          timezone: Mars/Olympus
          catch_up: lastest
          enabeld: true
        - name: b
          cron: "* * * *"
        - cron: "0 * * * *"
        - name: a
          cron: "0 0 30 2 *"
        - name: "has space"
          cron: "0 * * * *"
          enabled: "yes"
    `);
    expect(r.templates).toEqual([]);
    expect(r.issues.map((i) => [i.line, i.key, i.code])).toEqual([
      [6, 'cron', 'invalid_cron'],
      [7, 'timezone', 'invalid_value'],
      [8, 'catch_up', 'invalid_value'],
      [9, 'enabeld', 'unknown_key'],
      [11, 'cron', 'invalid_cron'],
      [12, 'name', 'missing_key'],
      [13, 'name', 'duplicate_schedule'],
      [14, 'cron', 'invalid_cron'],
      [15, 'name', 'invalid_value'],
      [17, 'enabled', 'wrong_type'],
    ]);
    const text = r.issues.map(formatIssue);
    expect(text[0]).toBe(
      `${FILE}:6:11: reports/rollup: key 'cron': schedule 'a': '61 * * * *' is not a valid cron expression: Invalid value for minute: 61`,
    );
    expect(text[1]).toContain("'Mars/Olympus' is not an IANA time zone");
    expect(text[2]).toContain('catch_up must be one of none, latest, all, got "lastest" (did you mean \'latest\'?)');
    expect(text[3]).toContain("unknown key in schedule 'a' (did you mean 'enabled'?)");
    expect(text[4]).toContain("'* * * *' has 4 fields; a cron expression has five");
    expect(text[6]).toContain("schedule 'a' is declared twice (first defined at line 5)");
    expect(text[7]).toContain("'0 0 30 2 *' never matches a date");
    expect(text[9]).toContain('must be true or false');
  });

  it("checks each schedule's context against the template's schema, pointing at the value", () => {
    const r = parse(`
      name: rollup${SCHEMA}
      step_templates: [{ name: a }]
      schedules:
        - name: good
          cron: "0 * * * *"
          context: { window: 1h }
        - name: bad_value
          cron: "0 * * * *"
          context:
            window: 2h
        - name: missing
          cron: "0 * * * *"
    `);
    expect(r.issues).toMatchObject([
      {
        code: 'invalid_context',
        line: 15,
        column: 15,
        key: 'context',
        message:
          "schedule 'bad_value': context.window must be equal to one of the allowed values (the template's schema)",
      },
      {
        code: 'invalid_context',
        line: 16,
        key: 'context',
        message: "schedule 'missing': context must have required property 'window' (the template's schema)",
      },
    ]);
  });

  it('refuses a schedules value that is not a list, and a context JSON cannot hold (defineTask)', () => {
    expect(parse('name: t\nstep_templates: [{ name: a }]\nschedules: { name: x }\n').issues).toMatchObject([
      {
        code: 'wrong_type',
        line: 3,
        key: 'schedules',
        message: expect.stringContaining('must be a list of schedules'),
      },
    ]);
    let error: unknown;
    try {
      defineTask({
        name: 't',
        step_templates: [{ name: 'a' }],
        schedules: [{ name: 'x', cron: '0 * * * *', context: { n: Number.NaN } }],
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(TemplateValidationError);
    expect((error as TemplateValidationError).issues).toMatchObject([
      { code: 'invalid_value', key: 'context', message: expect.stringContaining('context.n') },
    ]);
  });
});
