// What holds tasks back, shown on the Schedules page so an operator sees why tasks wait: the paused templates and
// namespaces (GET /paused: their new tasks wait and their schedules skip ticks), the concurrency slot groups
// (GET /concurrency: the slots held and the work queued for one) and the rate limits (GET /rate-limits: the steps
// waiting for a token).
import { fmtTime } from '../format.js';
import { href, linkClick } from '../router.js';
import type { ConcurrencyGroup, PausedTarget, RateLimit } from '../types.js';

/** The pause of this template or of its namespace, if any. */
export function heldBy(t: { namespace: string; name: string }, paused: PausedTarget[]): PausedTarget | null {
  return paused.find((p) => p.namespace === t.namespace && (p.name === null || p.name === t.name)) ?? null;
}

interface Props {
  /** Null when the server has no such route. */
  paused: PausedTarget[] | null;
  groups: ConcurrencyGroup[] | null;
  limits: RateLimit[] | null;
}

/** `60000` -> `1m`, for a limit's period. */
function period(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

export function Holds({ paused, groups, limits }: Props) {
  return (
    <>
      {paused !== null && (
        <section aria-labelledby="paused-title">
          <h2 id="paused-title">Paused templates and namespaces</h2>
          {paused.length === 0 ? (
            <p class="muted" data-paused-count="0">
              Nothing is paused.
            </p>
          ) : (
            <>
              <p class="muted">
                New tasks of these are accepted and wait (pending, waiting for paused); their running tasks start no new
                step, and their schedules skip ticks. <span class="mono">tasker resume</span> lifts a pause.
              </p>
              <div class="table-scroll">
                <table data-paused-count={paused.length}>
                  <thead>
                    <tr>
                      <th scope="col">Paused</th>
                      <th scope="col">Since</th>
                      <th scope="col">By</th>
                      <th scope="col">Reason</th>
                    </tr>
                  </thead>
                  <tbody>
                    {paused.map((p) => {
                      const target = p.name === null ? p.namespace : `${p.namespace}/${p.name}`;
                      return (
                        <tr key={target} data-paused-target={target}>
                          <th scope="row">
                            {p.name === null ? (
                              <>
                                namespace <strong>{p.namespace}</strong>
                              </>
                            ) : (
                              <a
                                href={href('/templates', { namespace: p.namespace, name: p.name })}
                                onClick={linkClick}
                              >
                                {target}
                              </a>
                            )}
                            <div>
                              <a
                                href={href('/tasks', {
                                  state: 'pending',
                                  namespace: p.namespace,
                                  ...(p.name === null ? {} : { name: p.name }),
                                })}
                                onClick={linkClick}
                              >
                                its pending tasks
                              </a>
                            </div>
                          </th>
                          <td>{fmtTime(p.paused_at)}</td>
                          <td>{p.actor ?? '—'}</td>
                          <td>{p.reason ?? '—'}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
            </>
          )}
        </section>
      )}
      {groups !== null && (
        <section aria-labelledby="slots-title">
          <h2 id="slots-title">Concurrency slots</h2>
          {groups.length === 0 ? (
            <p class="muted">No slot groups: no task or step with a concurrency limit has run yet.</p>
          ) : (
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Key</th>
                    <th scope="col">Limit</th>
                    <th scope="col">Running</th>
                    <th scope="col">Waiting</th>
                  </tr>
                </thead>
                <tbody>
                  {groups.map((g) => (
                    <tr key={g.key} data-slot-key={g.key}>
                      <th scope="row" class="mono">
                        {g.key}
                      </th>
                      <td>{g.limit}</td>
                      <td>{g.running}</td>
                      <td class={g.waiting > 0 ? 'bad' : undefined}>{g.waiting}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
      {limits !== null && (
        <section aria-labelledby="rate-title">
          <h2 id="rate-title">Rate limits</h2>
          {limits.length === 0 ? (
            <p class="muted">No rate limits: no template declares one and none was set by hand.</p>
          ) : (
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Rate</th>
                    <th scope="col">Source</th>
                    <th scope="col">Buckets</th>
                    <th scope="col">Waiting</th>
                  </tr>
                </thead>
                <tbody>
                  {limits.map((r) => (
                    <tr key={r.name} data-rate-limit={r.name}>
                      <th scope="row" class="mono">
                        {r.name}
                      </th>
                      <td>
                        {r.limit} per {period(r.period_ms)}
                        {r.burst > 0 ? ` (burst ${r.burst})` : ''}
                      </td>
                      <td title={fmtTime(r.updated_at)}>{r.source === 'operator' ? 'set by hand' : 'template'}</td>
                      <td>{r.buckets}</td>
                      <td class={r.waiting > 0 ? 'bad' : undefined}>{r.waiting}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      )}
    </>
  );
}
