// Tasks: a table filtered by state, namespace, name, version, tag, creation time and an id / correlation id /
// idempotency key search; sortable; paged by keyset cursor. The filters live in the URL query, so a view can be
// shared, reloaded, and walked back with the browser's Back button.
import { useCallback, useMemo, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtTime, isoToLocal, localToIso } from '../format.js';
import { useLive } from '../live.js';
import { href, linkClick, navigate } from '../router.js';
import { TASK_STATES, stateLabel } from '../states.js';
import type { TaskPage } from '../types.js';
import { LiveBadge } from './live-badge.js';

const TEXT_FILTERS = ['namespace', 'name', 'version', 'q'] as const;
const SORTS = [
  { value: 'created_at', label: 'Created' },
  { value: 'task_id', label: 'Task id' },
  { value: 'completed_at', label: 'Completed' },
];

function apiQuery(q: URLSearchParams): Record<string, string | string[] | undefined> {
  return {
    state: q.getAll('state'),
    namespace: q.get('namespace') ?? undefined,
    name: q.get('name') ?? undefined,
    version: q.get('version') ?? undefined,
    tag: q.getAll('tag'),
    q: q.get('q') ?? undefined,
    created_after: q.get('created_after') ?? undefined,
    created_before: q.get('created_before') ?? undefined,
    sort: q.get('sort') ?? undefined,
    order: q.get('order') ?? undefined,
    limit: q.get('limit') ?? undefined,
    cursor: q.get('cursor') ?? undefined,
  };
}

export function TaskList({ query }: { query: URLSearchParams }) {
  const [page, setPage] = useState<TaskPage | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = query.toString();
  const refresh = useCallback(async () => {
    try {
      setPage(await api<TaskPage>('/tasks', { query: apiQuery(new URLSearchParams(key)) }));
      setError(null);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [key]);
  const mode = useLive(refresh);
  // The same element while the query is unchanged, so live refreshes never reset what is being typed.
  const filters = useMemo(
    () => <Filters query={new URLSearchParams(key)} onApply={(next) => navigate(href('/tasks', next))} />,
    [key],
  );

  const sort = query.get('sort') ?? 'created_at';
  const order = query.get('order') ?? 'desc';
  const go = (next: URLSearchParams, replace = false) => navigate(href('/tasks', next), replace);
  const sortBy = (value: string) => {
    const next = new URLSearchParams(query);
    next.delete('cursor');
    next.set('order', sort === value && order === 'desc' ? 'asc' : 'desc');
    next.set('sort', value);
    go(next);
  };
  const sortHeader = (value: string, label: string) => (
    <th scope="col" aria-sort={sort === value ? (order === 'asc' ? 'ascending' : 'descending') : undefined}>
      <button type="button" class="link" onClick={() => sortBy(value)}>
        {label} {sort === value ? (order === 'asc' ? '▲' : '▼') : ''}
      </button>
    </th>
  );

  return (
    <>
      <div class="title-row">
        <h1>Tasks</h1>
        <LiveBadge mode={mode} />
      </div>
      {filters}
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      {!page ? (
        <p class="muted">Loading…</p>
      ) : page.tasks.length === 0 ? (
        <p class="muted">No task matches these filters.</p>
      ) : (
        <div class="table-scroll">
          <table class="tasks">
            <caption class="sr-only">Tasks</caption>
            <thead>
              <tr>
                {sortHeader('task_id', 'Id')}
                <th scope="col">Template</th>
                <th scope="col">State</th>
                <th scope="col">Tags</th>
                {sortHeader('created_at', 'Created')}
                {sortHeader('completed_at', 'Completed')}
              </tr>
            </thead>
            <tbody>
              {page.tasks.map((t) => (
                <tr key={t.task_id} data-task-id={t.task_id} data-state={t.current_state}>
                  <td>
                    <a href={href(`/tasks/${t.task_id}`)} onClick={linkClick}>
                      {t.task_id}
                    </a>
                  </td>
                  <td>
                    {t.namespace}/{t.name} <span class="muted">@{t.version}</span>
                  </td>
                  <td>
                    <span class={`badge state-${t.current_state}`}>{stateLabel(t.current_state)}</span>
                    {(t.waiting_for || t.paused) && (
                      <span class="muted" data-waiting-for={t.waiting_for ?? 'paused'}>
                        {' '}
                        waiting for {t.waiting_for ?? 'resume'}
                      </span>
                    )}
                  </td>
                  <td>{t.tags.join(', ')}</td>
                  <td>{fmtTime(t.created_at)}</td>
                  <td>{fmtTime(t.completed_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages">
        {query.get('cursor') && (
          <button
            type="button"
            onClick={() => {
              const next = new URLSearchParams(query);
              next.delete('cursor');
              go(next);
            }}
          >
            First page
          </button>
        )}
        {page?.next_cursor && (
          <button
            type="button"
            onClick={() => {
              const next = new URLSearchParams(query);
              next.set('cursor', page.next_cursor!);
              go(next);
            }}
          >
            Next page
          </button>
        )}
      </nav>
    </>
  );
}

function Filters({ query, onApply }: { query: URLSearchParams; onApply: (q: URLSearchParams) => void }) {
  const states = new Set(query.getAll('state'));
  return (
    <form
      class="filters card"
      aria-label="Filters"
      key={query.toString()}
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget as HTMLFormElement);
        const next = new URLSearchParams();
        for (const s of form.getAll('state')) next.append('state', String(s));
        for (const k of TEXT_FILTERS) {
          const v = String(form.get(k) ?? '').trim();
          if (v) next.set(k, v);
        }
        for (const tag of String(form.get('tag') ?? '').split(',')) if (tag.trim()) next.append('tag', tag.trim());
        for (const k of ['created_after', 'created_before']) {
          const v = localToIso(String(form.get(k) ?? ''));
          if (v) next.set(k, v);
        }
        for (const k of ['sort', 'order']) {
          const v = String(form.get(k) ?? '');
          if (v) next.set(k, v);
        }
        const limit = query.get('limit');
        if (limit) next.set('limit', limit);
        onApply(next);
      }}
    >
      <fieldset class="states">
        <legend>State</legend>
        {TASK_STATES.map((s) => (
          <label key={s} class="check">
            <input type="checkbox" name="state" value={s} checked={states.has(s)} /> {stateLabel(s)}
          </label>
        ))}
      </fieldset>
      <div class="fields">
        <label>
          Namespace
          <input name="namespace" value={query.get('namespace') ?? ''} />
        </label>
        <label>
          Name
          <input name="name" value={query.get('name') ?? ''} />
        </label>
        <label>
          Version
          <input name="version" value={query.get('version') ?? ''} />
        </label>
        <label>
          Tags
          <input name="tag" value={query.getAll('tag').join(', ')} placeholder="all must match, comma-separated" />
        </label>
        <label>
          Created after
          <input type="datetime-local" name="created_after" value={isoToLocal(query.get('created_after'))} />
        </label>
        <label>
          Created before
          <input type="datetime-local" name="created_before" value={isoToLocal(query.get('created_before'))} />
        </label>
        <label>
          Search
          <input
            type="search"
            name="q"
            value={query.get('q') ?? ''}
            placeholder="id, correlation id or idempotency key (prefix)"
          />
        </label>
        <label>
          Sort by
          <select name="sort" value={query.get('sort') ?? 'created_at'}>
            {SORTS.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Order
          <select name="order" value={query.get('order') ?? 'desc'}>
            <option value="desc">newest first</option>
            <option value="asc">oldest first</option>
          </select>
        </label>
      </div>
      <div class="actions">
        <button type="submit">Apply filters</button>
        <a href={href('/tasks')} onClick={linkClick}>
          Clear
        </a>
      </div>
    </form>
  );
}
