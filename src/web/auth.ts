// Who the dashboard acts as: GET /auth/whoami answers the token's name and scopes (or that auth is off), so
// operator buttons can be disabled, with the reason, for a token that may not use them.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { WhoAmI } from './types.js';

export const ALL_SCOPES = ['tasks:read', 'tasks:write', 'steps:operate', 'signals:send', 'admin'];

/** With auth off (or a server too old to say), every scope: the API itself still decides. */
export const NO_AUTH: WhoAmI = { auth: false, name: null, actor: null, scopes: ALL_SCOPES };

export const WhoContext = createContext<WhoAmI>(NO_AUTH);

export function useWho(): WhoAmI {
  return useContext(WhoContext);
}

/** Null when the principal may use `scope`, else the sentence explaining why not. */
export function missingScope(who: WhoAmI, scope: string): string | null {
  if (!who.auth || who.scopes.includes('admin') || who.scopes.includes(scope)) return null;
  return `Token '${who.name ?? '?'}' lacks the ${scope} scope, so this action is disabled (it has: ${who.scopes.join(', ') || 'no scopes'}).`;
}
