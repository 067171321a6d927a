// Overview: tasks and steps by state, throughput in the last hour and day, the ready queue and its lag, workers
// and the templates that fail most — from GET /stats, or the subset /health/status gives on an older server.
import { useCallback, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { fmtAge, fmtDuration } from '../format.js';
import { useLive } from '../live.js';
import { href, linkClick } from '../router.js';
import { STEP_STATES, TASK_STATES, stateLabel } from '../states.js';
import type { Overview as OverviewData, Worker } from '../types.js';
import { LiveBadge } from './live-badge.js';

interface HealthStatus {
  tasks_by_state: Record<string, number>;
  steps_by_state: Record<string, number>;
  ready_depth: number;
  workers: Array<Record<string, unknown>>;
}

let statsMissing = false;

async function loadOverview(): Promise<OverviewData> {
  if (!statsMissing) {
    try {
      return { ...(await api<Omit<OverviewData, 'partial'>>('/stats')), partial: false };
    } catch (err) {
      if (!isMissingRoute(err)) throw err;
      statsMissing = true;
    }
  }
  const s = await api<HealthStatus>('/health/status');
  return {
    tasks: s.tasks_by_state,
    steps: s.steps_by_state,
    ready_steps: s.ready_depth,
    workers: s.workers.map((w) => ({
      worker_id: String(w.worker_id ?? ''),
      last_heartbeat_at: String(w.last_heartbeat_at ?? w.last_seen_at ?? ''),
      ...(typeof w.hostname === 'string' ? { host: w.hostname } : {}),
      ...(typeof w.pid === 'number' ? { pid: w.pid } : {}),
      ...(typeof w.alive === 'boolean' ? { alive: w.alive } : {}),
    })),
    partial: true,
  };
}

export function Overview() {
  const [data, setData] = useState<OverviewData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const refresh = useCallback(async () => {
    try {
      setData(await loadOverview());
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  const mode = useLive(refresh);

  return (
    <>
      <div class="title-row">
        <h1>Overview</h1>
        <LiveBadge mode={mode} />
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!data ? (
        <p class="muted">Loading…</p>
      ) : (
        <>
          <section aria-labelledby="tasks-now">
            <h2 id="tasks-now">Tasks now</h2>
            <div class="cards">
              {TASK_STATES.map((s) => (
                <a
                  key={s}
                  class={`card stat state-${s}`}
                  href={href('/tasks', { state: s })}
                  onClick={linkClick}
                  data-stat={`tasks.${s}`}
                >
                  <span class="stat-value">{data.tasks[s] ?? 0}</span>
                  <span class="stat-label">{stateLabel(s)}</span>
                </a>
              ))}
            </div>
          </section>
          <section aria-labelledby="throughput">
            <h2 id="throughput">Throughput and queue</h2>
            <div class="cards">
              {!data.partial && <Window label="Last hour" w={data.last_hour} />}
              {!data.partial && <Window label="Last day" w={data.last_day} />}
              <div class="card stat" data-stat="ready_steps">
                <span class="stat-value">{data.ready_steps}</span>
                <span class="stat-label">steps ready</span>
                {data.oldest_ready_age_seconds !== undefined && (
                  <span class="muted">
                    oldest waiting{' '}
                    {data.oldest_ready_age_seconds === null ? '—' : fmtDuration(data.oldest_ready_age_seconds * 1000)}
                  </span>
                )}
              </div>
            </div>
            {data.partial && (
              <p class="muted">This server has no /stats route: throughput and failing templates are not shown.</p>
            )}
          </section>
          <section aria-labelledby="steps-now">
            <h2 id="steps-now">Steps by state</h2>
            <ul class="chips">
              {STEP_STATES.map((s) => (
                <li key={s} class={`chip state-${s}`}>
                  {stateLabel(s)} <strong>{data.steps[s] ?? 0}</strong>
                </li>
              ))}
            </ul>
          </section>
          <div class="two-col">
            <section aria-labelledby="workers">
              <h2 id="workers">Workers</h2>
              <Workers workers={data.workers} />
            </section>
            {data.failing_templates && (
              <section aria-labelledby="failing">
                <h2 id="failing">Failing templates (last day)</h2>
                {data.failing_templates.length === 0 ? (
                  <p class="muted">No failures in the last day.</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th scope="col">Template</th>
                        <th scope="col">Failed</th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.failing_templates.map((t) => (
                        <tr key={`${t.namespace}/${t.name}@${t.version}`}>
                          <td>
                            <a
                              href={href('/tasks', {
                                state: 'failed',
                                namespace: t.namespace,
                                name: t.name,
                                version: t.version,
                              })}
                              onClick={linkClick}
                            >
                              {t.namespace}/{t.name}@{t.version}
                            </a>
                          </td>
                          <td>{t.failed}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            )}
          </div>
        </>
      )}
    </>
  );
}

function Window({ label, w }: { label: string; w: OverviewData['last_hour'] }) {
  return (
    <div class="card stat" data-stat={label.toLowerCase().replace(' ', '_')}>
      <span class="stat-label">{label}</span>
      {w ? (
        <span>
          <strong class="ok">{w.completed}</strong> completed · <strong class="bad">{w.failed}</strong> failed ·{' '}
          <strong>{w.retried}</strong> retried
        </span>
      ) : (
        <span class="muted">—</span>
      )}
    </div>
  );
}

function Workers({ workers }: { workers: Worker[] }) {
  if (workers.length === 0) return <p class="muted">No workers registered.</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Worker</th>
          <th scope="col">Host</th>
          <th scope="col">Last heartbeat</th>
          <th scope="col">Alive</th>
        </tr>
      </thead>
      <tbody>
        {workers.map((w) => (
          <tr key={w.worker_id}>
            <td class="mono">{w.worker_id}</td>
            <td>{w.host ? `${w.host}${w.pid ? `:${w.pid}` : ''}` : '—'}</td>
            <td>{fmtAge(w.last_heartbeat_at)}</td>
            <td>{w.alive === undefined ? '—' : w.alive ? 'yes' : 'no'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
