// A small client-side router over the History API: the route is the path under <prefix>/ui plus its query, so
// every view (a filtered task list, a task with a selected step) is a URL that can be shared or reloaded.
import { useEffect, useState } from 'preact/hooks';
import { UI_BASE } from './api.js';

export interface Location {
  /** Path under the UI base, always starting with `/` (`/`, `/tasks`, `/tasks/12`, `/templates`). */
  path: string;
  query: URLSearchParams;
}

function current(): Location {
  let path = window.location.pathname;
  if (path.startsWith(UI_BASE)) path = path.slice(UI_BASE.length);
  if (!path.startsWith('/')) path = `/${path}`;
  return { path: path.replace(/\/+$/, '') || '/', query: new URLSearchParams(window.location.search) };
}

const listeners = new Set<() => void>();

/** The full URL of a UI path (`/tasks/12` -> `/tasker/ui/tasks/12`), with an optional query. */
export function href(path: string, query?: URLSearchParams | Record<string, string>): string {
  const qs = query ? new URLSearchParams(query).toString() : '';
  return `${UI_BASE}${path === '/' ? '/' : path}${qs ? `?${qs}` : ''}`;
}

/** Go to a UI URL without reloading; `replace` rewrites the current history entry (filters typed in place). */
export function navigate(url: string, replace = false): void {
  if (replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  for (const fn of listeners) fn();
  if (!replace) window.scrollTo(0, 0);
}

window.addEventListener('popstate', () => {
  for (const fn of listeners) fn();
});

export function useLocation(): Location {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return loc;
}

/** Click handler for in-app links: plain left clicks navigate in place, others (new tab, ...) are left alone. */
export function linkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href') ?? UI_BASE);
}
