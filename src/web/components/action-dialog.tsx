// The confirmation dialog of an operator action: what it will do, a reason (recorded in the history with the
// actor), results JSON for Resolve and the downstream choice for Rerun. A native modal <dialog>: focus stays in
// it, Escape dismisses it.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ACTIONS, perform, type ActionKind } from '../operator.js';
import type { Step, Task } from '../types.js';

interface Props {
  kind: ActionKind;
  task: Task;
  step: Step | null;
  /** Downstream steps of `step` (Rerun from here), also highlighted in the DAG while the dialog is open. */
  downstream: string[];
  onDownstreamChange?: (on: boolean) => void;
  onClose: (done: boolean) => void;
}

export function ActionDialog({ kind, task, step, downstream, onDownstreamChange, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const spec = ACTIONS[kind];
  const [reason, setReason] = useState('');
  const [results, setResults] = useState('{}');
  const [withDownstream, setWithDownstream] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    let parsed: unknown;
    if (kind === 'resolve') {
      try {
        parsed = JSON.parse(results);
      } catch (err) {
        setError(`Results must be JSON: ${(err as Error).message}`);
        return;
      }
    }
    setBusy(true);
    setError(null);
    try {
      await perform(kind, task, step, { reason, results: parsed, downstream: withDownstream });
      onClose(true);
    } catch (err) {
      setError((err as Error).message);
      setBusy(false);
    }
  };

  const title = step ? `${spec.label}: ${step.name}` : `${spec.label} ${task.task_id}`;
  return (
    <dialog
      ref={ref}
      class="action-dialog"
      aria-labelledby="action-title"
      onCancel={(e) => {
        e.preventDefault();
        onClose(false);
      }}
    >
      <form method="dialog" onSubmit={submit}>
        <h2 id="action-title">{title}</h2>
        <p>{spec.explain(task, step)}</p>
        {kind === 'rerun' && (
          <>
            <label class="check">
              <input
                type="checkbox"
                checked={withDownstream}
                onChange={(e) => {
                  const on = (e.currentTarget as HTMLInputElement).checked;
                  setWithDownstream(on);
                  onDownstreamChange?.(on);
                }}
              />{' '}
              Also rerun the steps downstream
            </label>
            <p class="muted" data-downstream={downstream.join(',')}>
              {withDownstream && downstream.length
                ? `Downstream (highlighted in the graph): ${downstream.join(', ')}`
                : 'Only this step runs again.'}
            </p>
          </>
        )}
        {kind === 'resolve' && (
          <label>
            Results (JSON)
            <textarea
              name="results"
              rows={5}
              class="mono"
              value={results}
              onInput={(e) => setResults((e.currentTarget as HTMLTextAreaElement).value)}
            />
          </label>
        )}
        <label>
          Reason
          <input
            name="reason"
            required
            maxLength={500}
            autoFocus
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLInputElement).value)}
            placeholder="why (recorded in the history)"
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <div class="actions">
          <button type="submit" class={kind === 'cancel_task' ? 'danger' : 'primary'} disabled={busy}>
            Confirm
          </button>
          <button type="button" onClick={() => onClose(false)}>
            Back
          </button>
        </div>
      </form>
    </dialog>
  );
}
