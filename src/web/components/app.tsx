// The shell: asks for a token when the server wants one (kept in sessionStorage), learns its scopes, and shows
// the navigation and the page the URL names.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiFailure, isMissingRoute, onUnauthorized } from '../api.js';
import { NO_AUTH, WhoContext } from '../auth.js';
import { href, linkClick, useLocation } from '../router.js';
import { getToken, setToken } from '../session.js';
import type { WhoAmI } from '../types.js';
import { Overview } from './overview.js';
import { TaskList } from './task-list.js';
import { TaskDetail } from './task-detail.js';
import { Schedules } from './schedules.js';
import { Templates } from './templates.js';
import { TokenForm } from './token-form.js';

type AuthState = { kind: 'loading' } | { kind: 'token'; message: string | null } | { kind: 'ready'; who: WhoAmI };

export function App() {
  const loc = useLocation();
  const [auth, setAuth] = useState<AuthState>({ kind: 'loading' });
  const [fatal, setFatal] = useState<string | null>(null);

  const check = useCallback(async () => {
    const had = getToken() !== null;
    try {
      const who = await api<WhoAmI>('/auth/whoami');
      setAuth({ kind: 'ready', who });
      setFatal(null);
    } catch (err) {
      if (err instanceof ApiFailure && err.status === 401) {
        setToken(null);
        setAuth({ kind: 'token', message: had ? err.message : null });
      } else if (isMissingRoute(err)) setAuth({ kind: 'ready', who: NO_AUTH });
      else setFatal((err as Error).message);
    }
  }, []);

  useEffect(() => {
    void check();
    return onUnauthorized(() => {
      setToken(null);
      setAuth({ kind: 'token', message: 'The server no longer accepts the token; enter one again.' });
    });
  }, [check]);

  if (fatal) {
    return (
      <main class="page">
        <h1>Tasker</h1>
        <p role="alert" class="error">
          {fatal}
        </p>
        <button type="button" onClick={() => void check()}>
          Try again
        </button>
      </main>
    );
  }
  if (auth.kind === 'loading') return <main class="page muted">Loading…</main>;
  if (auth.kind === 'token') {
    return (
      <TokenForm
        message={auth.message}
        onToken={(token) => {
          setToken(token);
          void check();
        }}
      />
    );
  }

  const who = auth.who;
  const page = route(loc.path);
  const nav = [
    { path: '/', label: 'Overview', active: page.kind === 'overview' },
    { path: '/tasks', label: 'Tasks', active: page.kind === 'tasks' || page.kind === 'task' },
    { path: '/templates', label: 'Templates', active: page.kind === 'templates' },
    { path: '/schedules', label: 'Schedules', active: page.kind === 'schedules' },
  ];
  return (
    <WhoContext.Provider value={who}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href('/')} onClick={linkClick}>
          Tasker
        </a>
        <nav aria-label="Main">
          {nav.map((n) => (
            <a key={n.path} href={href(n.path)} onClick={linkClick} aria-current={n.active ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="who">
          {who.auth ? (
            <>
              <span title={who.scopes.join(', ')}>
                {who.name} <span class="muted">({who.scopes.join(', ')})</span>
              </span>
              <button
                type="button"
                class="link"
                onClick={() => {
                  setToken(null);
                  setAuth({ kind: 'token', message: null });
                }}
              >
                Sign out
              </button>
            </>
          ) : (
            <span class="muted">auth off</span>
          )}
        </div>
      </header>
      <main id="main" class="page" tabIndex={-1}>
        {page.kind === 'overview' && <Overview />}
        {page.kind === 'tasks' && <TaskList query={loc.query} />}
        {page.kind === 'task' && <TaskDetail id={page.id} query={loc.query} />}
        {page.kind === 'templates' && <Templates query={loc.query} />}
        {page.kind === 'schedules' && <Schedules />}
        {page.kind === 'missing' && (
          <>
            <h1>Not found</h1>
            <p>
              No page at this address.{' '}
              <a href={href('/')} onClick={linkClick}>
                Go to the overview
              </a>
              .
            </p>
          </>
        )}
      </main>
    </WhoContext.Provider>
  );
}

type Page =
  | { kind: 'overview' }
  | { kind: 'tasks' }
  | { kind: 'task'; id: number }
  | { kind: 'templates' }
  | { kind: 'schedules' }
  | { kind: 'missing' };

function route(path: string): Page {
  if (path === '/') return { kind: 'overview' };
  if (path === '/tasks') return { kind: 'tasks' };
  const m = /^\/tasks\/(\d{1,15})$/.exec(path);
  if (m) return { kind: 'task', id: Number(m[1]) };
  if (path === '/templates') return { kind: 'templates' };
  if (path === '/schedules') return { kind: 'schedules' };
  return { kind: 'missing' };
}
