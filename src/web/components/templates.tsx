// Templates: every registered namespace, template and version; the selected one with its DAG, step settings
// (handler class, retries, timeout) and context schema. The selection lives in the URL query.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { href, linkClick } from '../router.js';
import type { TemplateDetail } from '../types.js';
import { DagView } from './dag-view.js';
import { JsonView } from './json-view.js';

interface NamespaceList {
  namespaces: Array<{ name: string; template_count: number }>;
}
interface Namespace {
  namespace: string;
  templates: Array<{ name: string; versions: string[]; latest_version: string; description: string | null }>;
}

export function Templates({ query }: { query: URLSearchParams }) {
  const [catalog, setCatalog] = useState<Namespace[] | null>(null);
  const [detail, setDetail] = useState<TemplateDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const ns = query.get('namespace');
  const name = query.get('name');
  const version = query.get('version');

  useEffect(() => {
    let live = true;
    (async () => {
      const list = await api<NamespaceList>('/handlers');
      const all = await Promise.all(
        list.namespaces.map((n) => api<Namespace>(`/handlers/${encodeURIComponent(n.name)}`)),
      );
      if (live) setCatalog(all);
    })().catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, []);

  useEffect(() => {
    let live = true;
    setDetail(null);
    if (!ns || !name) return;
    api<TemplateDetail>(`/handlers/${encodeURIComponent(ns)}/${encodeURIComponent(name)}`, {
      query: { version: version ?? undefined },
    })
      .then((d) => live && setDetail(d))
      .catch((err: Error) => live && setError(err.message));
    return () => {
      live = false;
    };
  }, [ns, name, version]);

  return (
    <>
      <h1>Templates</h1>
      {error && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <div class="split">
        <nav aria-label="Templates" class="card template-list">
          {!catalog ? (
            <p class="muted">Loading…</p>
          ) : catalog.length === 0 ? (
            <p class="muted">No templates registered.</p>
          ) : (
            catalog.map((n) => (
              <div key={n.namespace}>
                <h2 class="ns">{n.namespace}</h2>
                <ul>
                  {n.templates.map((t) => (
                    <li key={t.name}>
                      <a
                        href={href('/templates', { namespace: n.namespace, name: t.name })}
                        onClick={linkClick}
                        aria-current={ns === n.namespace && name === t.name ? 'page' : undefined}
                      >
                        {t.name}
                      </a>{' '}
                      <span class="muted">{t.versions.join(', ')}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))
          )}
        </nav>
        <div class="template-detail">
          {!ns || !name ? (
            <p class="muted">Pick a template to see its steps, settings and context schema.</p>
          ) : !detail ? (
            <p class="muted">Loading…</p>
          ) : (
            <TemplateView t={detail} />
          )}
        </div>
      </div>
    </>
  );
}

function TemplateView({ t }: { t: TemplateDetail }) {
  return (
    <section aria-labelledby="template-title">
      <h2 id="template-title">
        {t.namespace}/{t.name} <span class="muted">@{t.version}</span>
      </h2>
      {t.description && <p>{t.description}</p>}
      {t.versions.length > 1 && (
        <p>
          Versions:{' '}
          {t.versions.map((v, i) => (
            <span key={v}>
              {i > 0 && ', '}
              <a href={href('/templates', { namespace: t.namespace, name: t.name, version: v })} onClick={linkClick}>
                {v}
              </a>
            </span>
          ))}
        </p>
      )}
      <p>
        Task handler: <span class="mono">{t.task_handler_class ?? '—'}</span> ·{' '}
        <a href={href('/tasks', { namespace: t.namespace, name: t.name, version: t.version })} onClick={linkClick}>
          Its tasks
        </a>
      </p>
      <DagView
        label={`Steps of ${t.namespace}/${t.name}`}
        nodes={t.step_templates.map((s) => ({ name: s.name, note: s.handler_class ?? undefined }))}
        edges={t.dependency_graph.edges}
      />
      <h3>Step settings</h3>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Handler class</th>
              <th scope="col">Depends on</th>
              <th scope="col">Retries</th>
              <th scope="col">Timeout</th>
              <th scope="col">Skippable</th>
            </tr>
          </thead>
          <tbody>
            {t.step_templates.map((s) => (
              <tr key={s.name}>
                <td>
                  {s.name}
                  {s.description && <div class="muted">{s.description}</div>}
                </td>
                <td class="mono">{s.handler_class ?? '—'}</td>
                <td>{s.depends_on.join(', ') || '—'}</td>
                <td>
                  {s.default_retryable ? `up to ${s.default_retry_limit}` : 'not retryable'}
                  {s.retry !== null && s.retry !== undefined && <div class="muted mono">{JSON.stringify(s.retry)}</div>}
                </td>
                <td>{s.timeout_ms === null ? 'default' : `${s.timeout_ms} ms`}</td>
                <td>{s.skippable ? 'yes' : 'no'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <JsonView label="Context schema" value={t.context_schema} open={t.context_schema !== null} />
    </section>
  );
}
