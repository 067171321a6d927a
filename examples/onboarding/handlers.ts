// Handlers of the onboarding example (./tasks): customer_onboarding's create_account and send_welcome (its kyc step is
// a sub-workflow with no handler), and kyc_check's three steps. send_welcome reads the child's results through the kyc
// step (`{ verify_identity, screen_sanctions, decide }`). Load them with `--handlers examples/onboarding/handlers.ts`;
// each waits a little simulated I/O (TASKER_EXAMPLE_IO_SCALE=0 makes them instant).
import { simulatedIo, stableNumber } from '../handlers/simulated-io.js';

type Task = { task_id: number; context: Record<string, unknown> };
type Sequence = { findStepByName(name: string): { results: unknown } | undefined };
type Step = { signal: AbortSignal };

export const handlers = {
  'Onboarding::CreateAccountHandler': async (task: Task, _sequence: Sequence, step: Step) => {
    await simulatedIo(20, step.signal);
    return { account_id: `acct-${String(task.context.customer_id)}` };
  },
  'Onboarding::VerifyIdentityHandler': async (task: Task, _sequence: Sequence, step: Step) => {
    await simulatedIo(40, step.signal);
    return { verified: true, score: 70 + stableNumber(String(task.context.customer_id), 31) };
  },
  'Onboarding::ScreenSanctionsHandler': async (_task: Task, _sequence: Sequence, step: Step) => {
    await simulatedIo(30, step.signal);
    return { hits: 0, lists: ['ofac', 'eu'] };
  },
  'Onboarding::DecideHandler': (_task: Task, sequence: Sequence) => {
    const identity = sequence.findStepByName('verify_identity')?.results as { verified: boolean; score: number };
    const screening = sequence.findStepByName('screen_sanctions')?.results as { hits: number };
    return { approved: identity.verified && screening.hits === 0, score: identity.score };
  },
  'Onboarding::SendWelcomeHandler': async (task: Task, sequence: Sequence, step: Step) => {
    const kyc = sequence.findStepByName('kyc')?.results as { decide: { approved: boolean } };
    await simulatedIo(10, step.signal);
    return { to: task.context.email, template: kyc.decide.approved ? 'welcome' : 'manual_review' };
  },
};
