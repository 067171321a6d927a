// One step in detail: its state, the operator buttons that apply (disabled, with the reason, when the token lacks
// the scope), each attempt with its error (class, message, backtrace), and its results and inputs as JSON.
import { missingScope, useWho } from '../auth.js';
import { fmtDuration, fmtTime } from '../format.js';
import { ACTIONS, stepActions, type ActionKind } from '../operator.js';
import { stateLabel } from '../states.js';
import type { StepDetail, StepError, Task } from '../types.js';
import { JsonView } from './json-view.js';

interface Props {
  task: Task;
  step: StepDetail;
  onAction: (kind: ActionKind) => void;
}

/** What a ready or parked step waits for (the API's `waiting_for`), in words. */
function stepWait(wait: string): string {
  switch (wait) {
    case 'worker':
      return 'a worker that can run it';
    case 'delay':
      return "its task's delayed start";
    case 'paused':
      return 'a resume (its task, template or namespace is paused)';
    case 'concurrency':
      return 'a slot of its concurrency limit';
    case 'rate_limit':
      return 'a token of its rate limit';
    case 'signal':
      return 'a signal (tasker signal, or POST …/signals/<name>); it holds no worker meanwhile';
    case 'timer':
      return 'its timer (wait_for duration or until); it holds no worker meanwhile';
    case 'subtask':
      return 'its child task to finish';
    case 'map':
      return 'its mapped instances to finish';
    default:
      return wait;
  }
}

export function StepPanel({ task, step, onAction }: Props) {
  const who = useWho();
  const actions = stepActions(task, step);
  const inputs =
    step.inputs !== undefined
      ? step.inputs
      : Object.fromEntries(step.depends_on.map((d) => [d, task.workflow_steps.find((s) => s.name === d)?.results]));
  return (
    <section class="card step-panel" aria-labelledby="step-title" data-step-panel={step.name}>
      <div class="title-row">
        <h2 id="step-title">
          Step {step.name} <span class={`badge state-${step.current_state}`}>{stateLabel(step.current_state)}</span>
        </h2>
      </div>
      <dl class="facts">
        <dt>Attempts</dt>
        <dd>
          {step.attempts} of {step.retry_limit} {step.retryable ? '' : '(not retryable)'}
        </dd>
        <dt>Started</dt>
        <dd>{fmtTime(step.started_at)}</dd>
        <dt>Completed</dt>
        <dd>{fmtTime(step.completed_at)}</dd>
        <dt>Duration</dt>
        <dd>{fmtDuration(step.duration_ms)}</dd>
        <dt>Depends on</dt>
        <dd>{step.depends_on.join(', ') || '—'}</dd>
        {step.waiting_for && (
          <>
            <dt>Waiting for</dt>
            <dd data-step-waiting-for={step.waiting_for}>{stepWait(step.waiting_for)}</dd>
          </>
        )}
      </dl>
      {actions.length > 0 && <ActionButtons actions={actions} onAction={onAction} who={who} idPrefix="step" />}
      {step.error && <ErrorBox error={step.error} title="Last error" />}
      <h3>Attempts</h3>
      {step.attempt_history.length === 0 ? (
        <p class="muted">Not attempted yet.</p>
      ) : (
        <ol class="attempts">
          {step.attempt_history.map((a, i) => (
            <li key={i} class={`attempt state-${a.outcome ?? 'running'}`}>
              <strong>#{a.attempt ?? i + 1}</strong> {stateLabel(a.outcome ?? 'running')} · {fmtTime(a.started_at)}
              {a.ended_at && ` · ${fmtDuration(new Date(a.ended_at).getTime() - new Date(a.started_at).getTime())}`}
              {a.worker && <span class="muted"> · {a.worker}</span>}
              {a.error && <ErrorBox error={a.error} />}
            </li>
          ))}
        </ol>
      )}
      <JsonView label="Results" value={step.results} open={step.results !== null && step.results !== undefined} />
      <JsonView label="Inputs (results of the steps it depends on)" value={inputs} />
    </section>
  );
}

function ErrorBox({ error, title }: { error: StepError; title?: string }) {
  return (
    <div class="error-box">
      {title && <strong>{title}: </strong>}
      <span class="mono">{error.class}</span>
      {error.code && <span class="muted"> ({error.code})</span>}: {error.message}
      {error.backtrace && (
        <details>
          <summary>Backtrace</summary>
          <pre tabIndex={0}>{error.backtrace}</pre>
        </details>
      )}
    </div>
  );
}

export function ActionButtons({
  actions,
  onAction,
  who,
  idPrefix,
}: {
  actions: ActionKind[];
  onAction: (kind: ActionKind) => void;
  who: ReturnType<typeof useWho>;
  idPrefix: string;
}) {
  const blocked = actions.map((k) => missingScope(who, ACTIONS[k].scope)).find((m) => m !== null) ?? null;
  const noteId = `${idPrefix}-actions-note`;
  return (
    <div class="actions" role="group" aria-label={`${idPrefix === 'task' ? 'Task' : 'Step'} actions`}>
      {actions.map((k) => {
        const missing = missingScope(who, ACTIONS[k].scope);
        return (
          <button
            key={k}
            type="button"
            class={k === 'cancel_task' ? 'danger' : undefined}
            data-action={k}
            disabled={missing !== null}
            aria-describedby={missing ? noteId : undefined}
            onClick={() => onAction(k)}
          >
            {ACTIONS[k].label}
          </button>
        );
      })}
      {blocked && (
        <p id={noteId} class="muted note">
          {blocked}
        </p>
      )}
    </div>
  );
}
