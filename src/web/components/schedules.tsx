// Schedules (/ui/schedules): every cron schedule with its definition, state, last and next tick, and the operator
// actions Pause / Resume / Trigger now; below it what holds tasks back (paused templates and namespaces, concurrency
// slots, rate limits; see holds.tsx). Live: refreshed by the event stream (a tick creates a task), or every second
// without one, and every few seconds anyway (pauses send no event).
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, isMissingRoute } from '../api.js';
import { missingScope, useWho } from '../auth.js';
import { fmtTime } from '../format.js';
import { useLive } from '../live.js';
import { SCHEDULE_ACTIONS, performSchedule, scheduleActions, type ScheduleActionKind } from '../operator.js';
import { href, linkClick } from '../router.js';
import type { ConcurrencyGroup, PausedTarget, RateLimit, Schedule } from '../types.js';
import { ConfirmDialog } from './confirm-dialog.js';
import { Holds, heldBy } from './holds.js';
import { LiveBadge } from './live-badge.js';

interface Data {
  /** Null when the server has no schedules API (older than cron schedules). */
  schedules: Schedule[] | null;
  paused: PausedTarget[] | null;
  groups: ConcurrencyGroup[] | null;
  limits: RateLimit[] | null;
}

/** GET a list, or null when this server has no such route. */
async function optional<T>(path: string, pick: (body: T) => T[keyof T]): Promise<T[keyof T] | null> {
  try {
    return pick(await api<T>(path));
  } catch (err) {
    if (isMissingRoute(err)) return null;
    throw err;
  }
}

async function loadData(): Promise<Data> {
  const [schedules, paused, groups, limits] = await Promise.all([
    optional<{ schedules: Schedule[] }>('/schedules', (b) => b.schedules),
    optional<{ paused: PausedTarget[] }>('/paused', (b) => b.paused),
    optional<{ groups: ConcurrencyGroup[] }>('/concurrency', (b) => b.groups),
    optional<{ rate_limits: RateLimit[] }>('/rate-limits', (b) => b.rate_limits),
  ]);
  return { schedules, paused, groups, limits };
}

/** How often the page reloads its lists besides the live updates (tasks created by ticks). */
const RELOOK_MS = 3000;

const idOf = (s: Schedule) => `${s.namespace}/${s.name}/${s.schedule}`;

type Status = 'active' | 'paused' | 'held' | 'disabled' | 'retired';

/** The row's state and the lines that explain it. */
function statusOf(s: Schedule, paused: PausedTarget[]): { status: Status; notes: string[] } {
  if (!s.declared) return { status: 'retired', notes: ['no longer declared', `by version ${s.version}`] };
  if (!s.enabled) return { status: 'disabled', notes: ['enabled: false'] };
  if (s.paused) {
    const notes = [s.paused_by && `by ${s.paused_by}`, s.paused_at && `since ${fmtTime(s.paused_at)}`];
    return { status: 'paused', notes: notes.filter((n): n is string => Boolean(n)) };
  }
  const hold = heldBy(s, paused);
  if (hold) return { status: 'held', notes: [`its ${hold.name === null ? 'namespace' : 'template'} is paused`] };
  return { status: 'active', notes: [] };
}

interface Pending {
  kind: ScheduleActionKind;
  schedule: Schedule;
}

export function Schedules() {
  const who = useWho();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<Pending | null>(null);
  const [notice, setNotice] = useState<{ text: string; taskId?: number } | null>(null);

  const refresh = useCallback(async () => {
    try {
      setData(await loadData());
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, []);
  const mode = useLive(refresh);
  // Pausing a schedule, template or namespace elsewhere sends no stream event: look again every few seconds.
  useEffect(() => {
    const timer = setInterval(() => void refresh(), RELOOK_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  const confirm = async (reason: string) => {
    if (!pending) return;
    const { kind, schedule } = pending;
    const res = (await performSchedule(kind, schedule, reason)) as { task_id?: number };
    const name = idOf(schedule);
    if (kind === 'trigger_schedule' && typeof res.task_id === 'number') {
      setNotice({ text: `Trigger now of ${name} created task `, taskId: res.task_id });
    } else setNotice({ text: `Schedule ${name} ${kind === 'pause_schedule' ? 'paused' : 'resumed'}.` });
  };

  const scope = SCHEDULE_ACTIONS.pause_schedule.scope;
  const blocked = missingScope(who, scope);
  const schedules = data?.schedules;
  return (
    <>
      <div class="title-row">
        <h1>Schedules</h1>
        <LiveBadge mode={mode} />
      </div>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <p role="status" class="notice" data-notice={notice ? 'shown' : undefined}>
        {notice && (
          <>
            {notice.text}
            {notice.taskId !== undefined && (
              <>
                <a href={href(`/tasks/${notice.taskId}`)} onClick={linkClick} data-created-task={notice.taskId}>
                  {notice.taskId}
                </a>
                .
              </>
            )}
          </>
        )}
      </p>
      {!data ? (
        <p class="muted">Loading…</p>
      ) : schedules === null ? (
        <p class="muted">This server has no schedules API (it predates cron schedules).</p>
      ) : schedules === undefined || schedules.length === 0 ? (
        <p class="muted">
          No schedules. A template declares them under <span class="mono">schedules:</span>; one appears here once a
          process that runs steps has loaded its template.
        </p>
      ) : (
        <>
          {blocked && (
            <p id="schedule-actions-note" class="muted note">
              {blocked}
            </p>
          )}
          <div class="table-scroll">
            <table class="schedules">
              <caption class="sr-only">Cron schedules</caption>
              <thead>
                <tr>
                  <th scope="col">Template</th>
                  <th scope="col">Schedule</th>
                  <th scope="col">Cron</th>
                  <th scope="col">Time zone</th>
                  <th scope="col">Catch up</th>
                  <th scope="col">State</th>
                  <th scope="col">Last tick</th>
                  <th scope="col">Next tick</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {schedules.map((s) => {
                  const { status, notes } = statusOf(s, data.paused ?? []);
                  return (
                    <tr key={idOf(s)} data-schedule={idOf(s)} data-paused={String(s.paused)} data-status={status}>
                      <td data-label="Template">
                        <a
                          href={href('/templates', { namespace: s.namespace, name: s.name, version: s.version })}
                          onClick={linkClick}
                        >
                          {s.namespace}/{s.name}
                        </a>
                        <span class="muted">@{s.version}</span>
                      </td>
                      <th scope="row" data-label="Schedule">
                        <strong>{s.schedule}</strong>
                        <div>
                          <a href={href('/tasks', { tag: `schedule:${s.schedule}` })} onClick={linkClick}>
                            its tasks
                          </a>
                        </div>
                      </th>
                      <td class="mono" data-label="Cron">
                        {s.cron}
                      </td>
                      <td data-label="Time zone">{s.timezone}</td>
                      <td data-label="Catch up">{s.catch_up}</td>
                      <td data-label="State">
                        <span class={`badge state-sched-${status}`}>{status}</span>
                        {notes.map((n) => (
                          <div key={n} class="muted">
                            {n}
                          </div>
                        ))}
                      </td>
                      <td data-col="last-tick" data-label="Last tick">
                        <span title={s.last_tick_at ?? undefined}>{fmtTime(s.last_tick_at)}</span>
                        {s.last_task_id !== null && (
                          <div>
                            <a
                              href={href(`/tasks/${s.last_task_id}`)}
                              onClick={linkClick}
                              data-last-task={s.last_task_id}
                            >
                              task {s.last_task_id}
                            </a>
                          </div>
                        )}
                      </td>
                      <td data-col="next-tick" data-label="Next tick" title={s.next_tick_at ?? undefined}>
                        {fmtTime(s.next_tick_at)}
                        {status === 'held' && s.next_tick_at !== null && <div class="muted">missed while held</div>}
                      </td>
                      <td data-label="Actions">
                        <div class="actions row-actions" role="group" aria-label={`Actions of ${idOf(s)}`}>
                          {scheduleActions(s).map((k) => (
                            <button
                              key={k}
                              type="button"
                              data-action={k}
                              disabled={blocked !== null}
                              aria-describedby={blocked ? 'schedule-actions-note' : undefined}
                              onClick={() => setPending({ kind: k, schedule: s })}
                            >
                              {SCHEDULE_ACTIONS[k].label}
                            </button>
                          ))}
                        </div>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      {data && <Holds paused={data.paused} groups={data.groups} limits={data.limits} />}
      {pending && (
        <ConfirmDialog
          title={`${SCHEDULE_ACTIONS[pending.kind].label}: ${idOf(pending.schedule)}`}
          explain={SCHEDULE_ACTIONS[pending.kind].explain(pending.schedule)}
          onConfirm={confirm}
          reasonHint={pending.kind === 'trigger_schedule' ? "why (the task's reason)" : 'why (in the server log)'}
          onClose={(done) => {
            setPending(null);
            if (done) void refresh();
          }}
        />
      )}
    </>
  );
}
