// Handler naming (Rails convention), the handler registry, the missing-handler check and entry adaptation.
import { describe, expect, it } from 'vitest';
import { defineTask } from '../../src/definition/define-task.js';
import { toStepHandler, toTaskHandler } from '../../src/definition/handler-entry.js';
import { pascalCase, resolveStepHandlerClass } from '../../src/definition/handler-naming.js';
import { HandlerRegistry, checkHandlers } from '../../src/definition/handler-registry.js';
import { parseTemplateText } from '../../src/definition/template-loader.js';
import { TaskerError } from '../../src/core/errors.js';
import {
  ConfiguredTask,
  StepHandler,
  type SequenceView,
  type StepView,
  type TaskView,
} from '../../src/core/handler-api.js';

const onboarding = defineTask({
  name: 'user_onboarding',
  namespace_name: 'onboarding',
  task_handler_class: 'Onboarding::UserOnboardingHandler',
  step_templates: [
    { name: 'create_account' },
    { name: 'send_welcome_email', depends_on_step: 'create_account', handler_class: 'Mail::Welcome' },
  ],
});

const call = (h: { process: (...a: never[]) => unknown }) => h.process(...([{}, {}, {}] as unknown as never[]));

describe('handler naming', () => {
  it('derives <module of task_handler_class>::<PascalCase(step)>Handler', () => {
    expect(resolveStepHandlerClass(onboarding, onboarding.step_templates[0]!)).toBe('Onboarding::CreateAccountHandler');
    expect(resolveStepHandlerClass({ task_handler_class: 'A::B::TaskHandler' }, { name: 'extract_orders' })).toBe(
      'A::B::ExtractOrdersHandler',
    );
  });

  it('uses handler_class when given, module_namespace over the task class, and no module when there is none', () => {
    expect(resolveStepHandlerClass(onboarding, onboarding.step_templates[1]!)).toBe('Mail::Welcome');
    expect(
      resolveStepHandlerClass(
        { module_namespace: 'Billing', task_handler_class: 'Onboarding::X' },
        { name: 'charge_card' },
      ),
    ).toBe('Billing::ChargeCardHandler');
    expect(resolveStepHandlerClass({ task_handler_class: 'PlainHandler' }, { name: 'create_account' })).toBe(
      'CreateAccountHandler',
    );
    expect(resolveStepHandlerClass({}, { name: 'send-email.now' })).toBe('SendEmailNowHandler');
    expect(pascalCase('step_2fa')).toBe('Step2fa');
  });
});

describe('HandlerRegistry and checkHandlers', () => {
  it('accepts Ruby-style names, is idempotent and refuses a different entry under a taken name', () => {
    const r = new HandlerRegistry();
    const fn = async () => 1;
    r.registerAll({ 'Onboarding::CreateAccountHandler': fn, 'Mail::Welcome': { process: () => 2 } });
    r.register('Onboarding::CreateAccountHandler', fn);
    expect(r.has('Onboarding::CreateAccountHandler')).toBe(true);
    expect(r.get('Mail::Welcome')).toBeTypeOf('object');
    expect(r.names()).toEqual(['Mail::Welcome', 'Onboarding::CreateAccountHandler']);
    expect(() => r.register('Mail::Welcome', () => 3)).toThrow(/already registered as 'Mail::Welcome'/);
    expect(() => r.register('x', 42 as unknown as object)).toThrow(TaskerError);
  });

  it('reports each step whose handler is missing, naming the step and the class looked for', () => {
    const r = new HandlerRegistry();
    r.register('Onboarding::CreateAcountHandler', () => null);
    const issues = checkHandlers(onboarding, r, { file: 'onboarding.yaml' });
    expect(issues).toEqual([
      {
        code: 'missing_handler',
        message:
          "no handler registered as 'Onboarding::CreateAccountHandler' (derived from task_handler_class) (did you mean 'Onboarding::CreateAcountHandler'?)",
        file: 'onboarding.yaml',
        template: 'onboarding/user_onboarding',
        step: 'create_account',
        key: 'handler_class',
      },
      expect.objectContaining({
        step: 'send_welcome_email',
        message: "no handler registered as 'Mail::Welcome' (from handler_class)",
      }),
    ]);
  });

  it('points at the step line for YAML templates, and flags unusable entries', () => {
    const loaded = parseTemplateText(
      'name: t\ntask_handler_class: M::T\nstep_templates:\n  - name: a\n  - name: b\n',
      't.yaml',
    );
    const { template, source } = loaded.templates[0]!;
    const r = new HandlerRegistry();
    r.register('M::AHandler', class NoProcess {});
    r.register('M::BHandler', { process: async () => 'ok' });
    expect(checkHandlers(template, r, source)).toEqual([
      expect.objectContaining({
        file: 't.yaml',
        line: 4,
        column: 11,
        step: 'a',
        message: "handler 'M::AHandler' is unusable: class NoProcess has no process() method",
      }),
    ]);
  });

  it('does not require an entry for task_handler_class', () => {
    const r = new HandlerRegistry();
    r.registerAll({ 'Onboarding::CreateAccountHandler': () => 1, 'Mail::Welcome': () => 2 });
    expect(checkHandlers(onboarding, r)).toEqual([]);
  });
});

describe('handler entries', () => {
  it('instantiates a class once, keeps an object, wraps a function', async () => {
    let constructed = 0;
    class Create extends StepHandler {
      constructor() {
        super();
        constructed++;
      }
      process(_t: TaskView, _s: SequenceView, step: StepView) {
        return { id: step };
      }
    }
    const fromClass = toStepHandler(Create, 'Create');
    expect(fromClass).toBeInstanceOf(Create);
    expect(constructed).toBe(1);
    const obj = { process: () => 'obj' };
    expect(toStepHandler(obj, 'Obj')).toBe(obj);
    const wrapped = toStepHandler(async (_t: TaskView, _s: SequenceView, step: StepView) => ({ got: step }), 'Fn');
    expect(await call(wrapped)).toEqual({ got: {} });
    class Plain {
      process() {
        return 'no base class needed';
      }
    }
    expect(call(toStepHandler(Plain, 'Plain'))).toBe('no base class needed');
  });

  it('explains what was found when an entry cannot be a step handler', () => {
    expect(() => toStepHandler({ run: () => 1 }, 'Bad::Handler')).toThrow(
      "step handler 'Bad::Handler' is unusable: expected a class with process(), an object with process(), or a function; got an object without a process() method",
    );
    expect(() => toStepHandler(class Nope {}, 'Nope')).toThrow(/class Nope has no process\(\) method/);
    class Throws {
      constructor() {
        throw new Error('needs config');
      }
      process() {}
    }
    expect(() => toStepHandler(Throws, 'Throws')).toThrow(/constructor threw: needs config/);
  });

  it('task handlers: class -> instance, object -> itself, nothing -> ConfiguredTask', () => {
    class Custom extends ConfiguredTask {}
    expect(toTaskHandler(Custom, 'Custom')).toBeInstanceOf(Custom);
    const hooks = { updateAnnotations: () => undefined };
    expect(toTaskHandler(hooks)).toBe(hooks);
    expect(toTaskHandler(undefined)).toBeInstanceOf(ConfiguredTask);
    expect(() => toTaskHandler(() => 1, 'Arrow')).toThrow(/task handler 'Arrow'/);
  });
});
