// The bearer token for this browser tab: kept in sessionStorage (gone when the tab closes), never in a URL.
const KEY = 'tasker.token';

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled: the token lives only as long as this page.
  }
}
