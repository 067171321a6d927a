// A task in detail (/ui/tasks/<id>): its DAG coloured by state (click or Enter on a node selects the step), the
// selected step's attempts, results and actions, a timeline of every attempt, the history of transitions, the
// context and annotations. Live: refreshed by the event stream, or every second without one.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure } from '../api.js';
import { useWho } from '../auth.js';
import { fmtTime } from '../format.js';
import { useLive } from '../live.js';
import { taskActions, type ActionKind } from '../operator.js';
import { href, linkClick, navigate } from '../router.js';
import { stateLabel } from '../states.js';
import { loadTask, type TaskData } from '../task-data.js';
import { ActionDialog } from './action-dialog.js';
import { DagView, downstreamOf } from './dag-view.js';
import { Gantt } from './gantt.js';
import { HistoryTable } from './history-table.js';
import { JsonView } from './json-view.js';
import { LiveBadge } from './live-badge.js';
import { ActionButtons, StepPanel } from './step-panel.js';

interface Props {
  id: number;
  query: URLSearchParams;
}

interface Pending {
  kind: ActionKind;
  step: string | null;
}

export function TaskDetail({ id, query }: Props) {
  const who = useWho();
  const [data, setData] = useState<TaskData | null>(null);
  const [error, setError] = useState<{ status: number; message: string } | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [downstreamOn, setDownstreamOn] = useState(true);
  const [now, setNow] = useState(Date.now());
  const dataRef = useRef<TaskData | null>(null);

  const refresh = useCallback(async () => {
    try {
      const next = await loadTask(id, dataRef.current);
      dataRef.current = next;
      setData(next);
      setNow(Date.now());
      setError(null);
    } catch (err) {
      setError({ status: err instanceof ApiFailure ? err.status : 0, message: (err as Error).message });
    }
  }, [id]);
  useEffect(() => {
    dataRef.current = null;
    setData(null);
  }, [id]);
  const mode = useLive(refresh, { task_id: id });

  if (error && (!data || error.status === 404)) {
    return (
      <>
        <h1>Task {id}</h1>
        <p role="alert" class="error">
          {error.message}
        </p>
        <a href={href('/tasks')} onClick={linkClick}>
          Back to the tasks
        </a>
      </>
    );
  }
  if (!data) return <p class="muted">Loading task {id}…</p>;

  const { task, steps } = data;
  const stepNames = task.workflow_steps.map((s) => s.name);
  const failed = task.workflow_steps.find((s) => s.current_state === 'failed')?.name ?? null;
  const requested = query.get('step');
  const selected = requested && steps.has(requested) ? requested : failed;
  const selectedStep = selected ? (steps.get(selected) ?? null) : null;
  const edges = task.workflow_steps.flatMap((s) => s.depends_on.map((d) => ({ from: d, to: s.name })));
  const highlighted =
    pending?.kind === 'rerun' && pending.step
      ? new Set([pending.step, ...(downstreamOn ? downstreamOf(pending.step, edges) : [])])
      : undefined;
  const select = (name: string) => {
    const next = new URLSearchParams(query);
    next.set('step', name);
    navigate(href(`/tasks/${id}`, next), true);
  };
  const open = (kind: ActionKind, step: string | null) => {
    setDownstreamOn(true);
    setPending({ kind, step });
  };
  const tActions = taskActions(task);

  return (
    <>
      <div class="title-row">
        <h1>
          Task {task.task_id}{' '}
          <span class={`badge state-${task.current_state}`} data-task-state={task.current_state}>
            {stateLabel(task.current_state)}
          </span>
        </h1>
        <LiveBadge mode={mode} />
      </div>
      {error && (
        <p role="alert" class="error">
          {error.message}
        </p>
      )}
      <dl class="facts">
        <dt>Template</dt>
        <dd>
          <a
            href={href('/templates', { namespace: task.namespace, name: task.name, version: task.version })}
            onClick={linkClick}
          >
            {task.namespace}/{task.name}@{task.version}
          </a>
        </dd>
        {task.run !== undefined && (
          <>
            <dt>Run</dt>
            <dd>{task.run}</dd>
          </>
        )}
        {task.waiting_for && (
          <>
            <dt>Waiting for</dt>
            <dd data-waiting-for={task.waiting_for}>
              {task.waiting_for === 'delay' && task.run_at ? `its start at ${fmtTime(task.run_at)}` : task.waiting_for}
            </dd>
          </>
        )}
        {task.paused && (
          <>
            <dt>Paused</dt>
            <dd data-paused="true">no new step starts until it is resumed</dd>
          </>
        )}
        {task.priority !== undefined && task.priority !== 0 && (
          <>
            <dt>Priority</dt>
            <dd>{task.priority}</dd>
          </>
        )}
        {task.run_at && task.waiting_for !== 'delay' && (
          <>
            <dt>Run at</dt>
            <dd>{fmtTime(task.run_at)}</dd>
          </>
        )}
        {task.scheduled_for && (
          <>
            <dt>Scheduled for</dt>
            <dd>{fmtTime(task.scheduled_for)}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>{fmtTime(task.created_at)}</dd>
        <dt>Finished</dt>
        <dd>{fmtTime(task.completed_at)}</dd>
        <dt>Initiator</dt>
        <dd>{[task.initiator, task.source_system].filter(Boolean).join(' via ') || '—'}</dd>
        <dt>Reason</dt>
        <dd>{task.reason ?? '—'}</dd>
        <dt>Tags</dt>
        <dd>{task.tags.join(', ') || '—'}</dd>
        <dt>Correlation id</dt>
        <dd class="mono">{task.correlation_id}</dd>
        {task.idempotency_key && (
          <>
            <dt>Idempotency key</dt>
            <dd class="mono">{task.idempotency_key}</dd>
          </>
        )}
      </dl>
      {tActions.length > 0 && (
        <ActionButtons actions={tActions} onAction={(k) => open(k, null)} who={who} idPrefix="task" />
      )}
      <section aria-labelledby="dag-title">
        <h2 id="dag-title">Steps</h2>
        {!task.planned && <p class="muted">Waiting for a worker with the handlers to plan this task.</p>}
        <DagView
          label={`Steps of task ${task.task_id}; press Enter on a step to see it`}
          nodes={task.workflow_steps.map((s) => ({
            name: s.name,
            state: s.current_state,
            note: s.attempts > 1 ? `${s.attempts} attempts` : undefined,
          }))}
          edges={edges}
          selected={selected}
          highlighted={highlighted}
          onSelect={select}
        />
        <ul class="legend" aria-label="Legend">
          {['pending', 'running', 'retrying', 'completed', 'failed', 'skipped', 'cancelled', 'resolved_manually'].map(
            (s) => (
              <li key={s} class={`chip state-${s}`}>
                {stateLabel(s)}
              </li>
            ),
          )}
        </ul>
      </section>
      {selectedStep ? (
        <StepPanel task={task} step={selectedStep} onAction={(k) => open(k, selectedStep.name)} />
      ) : (
        <p class="muted">Select a step in the graph to see its attempts, results and actions.</p>
      )}
      <section aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <Gantt
          start={task.created_at}
          now={task.completed_at ? new Date(task.completed_at).getTime() : now}
          rows={stepNames.map((n) => ({ step: n, attempts: steps.get(n)?.attempt_history ?? [] }))}
        />
      </section>
      <HistoryTable rows={data.history} fromSteps={data.historyFromSteps} />
      <section aria-labelledby="context-title">
        <h2 id="context-title">Context and annotations</h2>
        <JsonView label="Context" value={task.context} open />
        {task.annotations.length === 0 ? (
          <p class="muted">No annotations.</p>
        ) : (
          task.annotations.map((a, i) => (
            <JsonView key={i} label={`${a.annotation_type} (${fmtTime(a.created_at)})`} value={a.content} />
          ))
        )}
      </section>
      {pending && (
        <ActionDialog
          kind={pending.kind}
          task={task}
          step={pending.step ? (steps.get(pending.step) ?? null) : null}
          downstream={pending.step ? [...downstreamOf(pending.step, edges)] : []}
          onDownstreamChange={setDownstreamOn}
          onClose={(done) => {
            setPending(null);
            if (done) void refresh();
          }}
        />
      )}
    </>
  );
}
