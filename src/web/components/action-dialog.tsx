// The confirmation dialog of a step or task action (ConfirmDialog): what it will do, a reason, results JSON for
// Resolve and the downstream choice for Rerun.
import { useState } from 'preact/hooks';
import { ACTIONS, perform, type ActionKind } from '../operator.js';
import type { Step, Task } from '../types.js';
import { ConfirmDialog } from './confirm-dialog.js';

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
  const spec = ACTIONS[kind];
  const [results, setResults] = useState('{}');
  const [withDownstream, setWithDownstream] = useState(true);

  const confirm = async (reason: string) => {
    let parsed: unknown;
    if (kind === 'resolve') {
      try {
        parsed = JSON.parse(results);
      } catch (err) {
        throw new Error(`Results must be JSON: ${(err as Error).message}`, { cause: err });
      }
    }
    await perform(kind, task, step, { reason, results: parsed, downstream: withDownstream });
  };

  return (
    <ConfirmDialog
      title={step ? `${spec.label}: ${step.name}` : `${spec.label} ${task.task_id}`}
      explain={spec.explain(task, step)}
      danger={kind === 'cancel_task'}
      onConfirm={confirm}
      onClose={onClose}
    >
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
    </ConfirmDialog>
  );
}
