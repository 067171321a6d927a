// A timeline (Gantt) of every step attempt: one row per step in DAG order, one bar per attempt from its start to
// its end (or now while it runs), coloured by how it ended; the gaps show waits (dependencies, backoff), repeated
// bars show retries, and the longest chain of bars is the critical path.
import type { Attempt } from '../types.js';
import { fmtDuration, fmtTime } from '../format.js';

interface Row {
  step: string;
  attempts: Attempt[];
}

interface Props {
  start: string;
  rows: Row[];
  now: number;
}

const LABEL_W = 170;
const ROW_H = 24;
const CHART_W = 640;

export function Gantt({ start, rows, now }: Props) {
  const t0 = new Date(start).getTime();
  let t1 = t0 + 1;
  for (const r of rows) {
    for (const a of r.attempts) t1 = Math.max(t1, a.ended_at ? new Date(a.ended_at).getTime() : now);
  }
  const span = Math.max(1, t1 - t0);
  const scale = (t: number) => LABEL_W + ((t - t0) / span) * CHART_W;
  const height = rows.length * ROW_H + 26;
  const ticks = [0, 0.25, 0.5, 0.75, 1];
  if (rows.every((r) => r.attempts.length === 0)) return <p class="muted">No attempts yet.</p>;
  return (
    <div class="gantt-scroll">
      <svg
        class="gantt"
        width={LABEL_W + CHART_W + 10}
        height={height}
        viewBox={`0 0 ${LABEL_W + CHART_W + 10} ${height}`}
        role="img"
        aria-label={`Timeline of step attempts over ${fmtDuration(span)}`}
      >
        {ticks.map((f) => (
          <g key={f}>
            <line x1={LABEL_W + f * CHART_W} x2={LABEL_W + f * CHART_W} y1={0} y2={height - 18} class="gantt-tick" />
            <text x={LABEL_W + f * CHART_W} y={height - 4} class="gantt-axis">
              +{fmtDuration(f * span)}
            </text>
          </g>
        ))}
        {rows.map((r, i) => (
          <g key={r.step} data-gantt-step={r.step}>
            <text x={LABEL_W - 8} y={i * ROW_H + 16} class="gantt-label">
              {r.step}
            </text>
            {r.attempts.map((a, j) => {
              const s = new Date(a.started_at).getTime();
              const e = a.ended_at ? new Date(a.ended_at).getTime() : now;
              const x = scale(s);
              const w = Math.max(2, scale(e) - x);
              const outcome = a.outcome ?? 'running';
              return (
                <rect
                  key={j}
                  x={x}
                  y={i * ROW_H + 4}
                  width={w}
                  height={ROW_H - 8}
                  rx="3"
                  class={`gantt-bar state-${outcome}`}
                >
                  <title>
                    {`${r.step} attempt ${a.attempt ?? j + 1}: ${outcome}, ${fmtTime(a.started_at)}, ${fmtDuration(e - s)}` +
                      (a.worker ? ` on ${a.worker}` : '') +
                      (a.error ? ` — ${a.error.class}: ${a.error.message}` : '')}
                  </title>
                </rect>
              );
            })}
          </g>
        ))}
      </svg>
    </div>
  );
}
