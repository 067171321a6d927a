// The task's history: every transition of the task and its steps, oldest first, with time, actor and reason.
import { fmtTime } from '../format.js';
import { stateLabel } from '../states.js';
import type { HistoryRow } from '../types.js';

export function HistoryTable({ rows, fromSteps }: { rows: HistoryRow[]; fromSteps: boolean }) {
  return (
    <section aria-labelledby="history-title">
      <h2 id="history-title">History</h2>
      {fromSteps && <p class="muted">This server has no task history route: shown are the steps' own transitions.</p>}
      <div class="table-scroll">
        <table class="history">
          <thead>
            <tr>
              <th scope="col">Time</th>
              <th scope="col">Step</th>
              <th scope="col">Transition</th>
              <th scope="col">Attempt</th>
              <th scope="col">Actor</th>
              <th scope="col">Reason</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((h, i) => (
              <tr key={h.id ?? i} data-history-step={h.step ?? ''} data-to-state={h.to_state}>
                <td>{fmtTime(h.at)}</td>
                <td>{h.step ?? <span class="muted">task</span>}</td>
                <td>
                  {h.from_state ? stateLabel(h.from_state) : '—'} →{' '}
                  <span class={`badge state-${h.to_state}`}>{stateLabel(h.to_state)}</span>
                  {h.run !== undefined && h.run > 1 && <span class="muted"> (run {h.run})</span>}
                </td>
                <td>{h.attempt ?? ''}</td>
                <td class="mono actor">{h.actor ?? ''}</td>
                <td>{h.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
