// Handlers of onboarding/user_onboarding (the seed's linear pattern): create an account, send a welcome email,
// set preferences, activate a trial; the task handler annotates the task when the trial is active.
import {
  ConfiguredTask,
  PermanentError,
  StepHandler,
  type FinishedStep,
  type SequenceView,
  type StepView,
  type TaskView,
} from 'tasker';
import { simulatedIo, stableNumber } from './simulated-io.js';

export class CreateAccountHandler extends StepHandler {
  async process(task: TaskView, _sequence: SequenceView, step: StepView) {
    const email = String(task.context.email ?? 'new.user@example.com');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
      throw new PermanentError(`'${email}' is not an email address`, { errorCode: 'invalid_email' });
    await simulatedIo(30, step.signal);
    return { user_id: `usr_${stableNumber(email, 1_000_000)}`, email, plan: task.context.plan ?? 'starter' };
  }
}

export class SendWelcomeEmailHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    const account = sequence.findStepByName('create_account')?.results;
    await simulatedIo(40, step.signal);
    return { message_id: `msg_${account.user_id}`, to: account.email, template: 'welcome' };
  }
}

export class SetupPreferencesHandler extends StepHandler {
  async process(task: TaskView, sequence: SequenceView, step: StepView) {
    const account = sequence.findStepByName('create_account')?.results;
    await simulatedIo(20, step.signal);
    return {
      user_id: account.user_id,
      preferences: { locale: task.context.locale ?? 'en', newsletter: task.context.newsletter ?? true },
    };
  }
}

export class ActivateTrialHandler extends StepHandler {
  async process(_task: TaskView, sequence: SequenceView, step: StepView) {
    const account = sequence.findStepByName('create_account')?.results;
    await simulatedIo(25, step.signal);
    const days = Number(step.config.trial_days ?? 14);
    return { user_id: account.user_id, plan: account.plan, trial_days: days };
  }
}

export class UserOnboardingHandler extends ConfiguredTask {
  override async updateAnnotations(task: TaskView, _sequence: SequenceView, steps: FinishedStep[]) {
    if (steps.find((s) => s.name === 'activate_trial')?.current_state === 'completed') {
      await task.annotations.create({
        annotation_type: 'onboarding_completed',
        content: { completed_at: new Date().toISOString() },
      });
    }
  }
}
