// The auth check run before anything of a request is parsed (so nothing is parsed for strangers): find the bearer
// token, match its SHA-256 against every configured hash in constant time (or verify it as a JWT), then check the
// route's scopes. 401 with WWW-Authenticate for a missing or bad token, 403 for a missing scope, 503 when a JWT
// cannot be checked because the identity provider's JWKS is unreachable.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../context.js';
import { ApiError } from '../errors.js';
import { grants, type CatalogRoute, type RouteCatalog, type Scope } from '../route-catalog.js';
import { AuthConfigError, hashToken, type AuthConfig } from './config.js';
import { JwtVerifier, looksLikeJwt } from './jwt.js';
import type { StreamTickets } from '../events/tickets.js';

const REALM = 'Bearer realm="tasker"';
const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/=-]{1,4096})[ ]*$/i;

export type ScopeRule = readonly Scope[] | 'public';

/** The scopes a route needs under this configuration: its override from the file, else its default. */
export function scopeResolver(config: AuthConfig): (route: CatalogRoute) => ScopeRule {
  return (route) => config.routes[route.key] ?? route.auth;
}

/** Every override must name a route that exists (typos would silently keep the default). */
export function checkRouteOverrides(config: AuthConfig, catalog: RouteCatalog): void {
  const unknown = Object.keys(config.routes).filter((k) => !catalog.get(k));
  if (unknown.length) {
    throw new AuthConfigError(`${config.source}: routes names unknown route(s): ${unknown.join(', ')}`, [
      `routes are keyed 'METHOD /path' as listed here: ${catalog.routes.map((r) => r.key).join(', ')}`,
    ]);
  }
}

function unauthorized(message: string, invalid: boolean): ApiError {
  return new ApiError(401, 'unauthorized', message, null, {
    'www-authenticate': invalid ? `${REALM}, error="invalid_token"` : REALM,
  });
}

/** The principal a request's Authorization header proves, or ApiError 401 (503 when a JWKS is unreachable). */
export async function authenticate(
  header: string | undefined,
  config: AuthConfig,
  jwt: JwtVerifier | null,
): Promise<Principal> {
  if (header === undefined || header === '')
    throw unauthorized('this route needs a bearer token: Authorization: Bearer <token>', false);
  const m = BEARER.exec(header);
  if (!m) throw unauthorized('the Authorization header must be "Bearer <token>"', true);
  const token = m[1]!;
  const hash = hashToken(token);
  let found: AuthConfig['tokens'][number] | null = null;
  for (const entry of config.tokens) {
    // Compare against every entry (no early exit) so timing does not tell which prefix matched.
    if (timingSafeEqual(hash, entry.hash) && found === null) found = entry;
  }
  if (found) return { name: found.name, actor: `token:${found.name}`, scopes: found.scopes, via: 'token' };
  if (jwt && looksLikeJwt(token)) {
    const res = await jwt.verify(token);
    if ('unavailable' in res) {
      const message = `cannot check the token now: ${res.unavailable}; try again later`;
      throw new ApiError(503, 'unavailable', message, null, { 'retry-after': '30' });
    }
    if ('invalid' in res) throw unauthorized(`invalid token: ${res.invalid}`, true);
    return { name: res.name, actor: `jwt:${res.name}`, scopes: new Set(res.scopes), via: 'jwt' };
  }
  throw unauthorized('invalid token', true);
}

export function hasScopes(principal: Principal, required: readonly Scope[]): boolean {
  return required.every((s) => grants(principal.scopes, s));
}

/**
 * The principal of a stream ticket given as `?ticket=` (consumed), or null when the request has none. A ticket and an
 * Authorization header together are refused, and so is a ticket that is unknown, used or expired.
 */
function ticketPrincipal(request: FastifyRequest, tickets: StreamTickets): Principal | null {
  const ticket = (request.query as Record<string, unknown> | undefined)?.ticket;
  if (ticket === undefined) return null;
  if (typeof ticket !== 'string') {
    throw new ApiError(400, 'invalid_request', 'invalid query: give one ticket', [
      { field: 'query.ticket', message: 'must be one ticket' },
    ]);
  }
  if (request.headers.authorization !== undefined) {
    throw new ApiError(400, 'invalid_request', 'give either a ticket or an Authorization header, not both', [
      { field: 'query.ticket', message: 'not allowed with an Authorization header' },
    ]);
  }
  const grant = tickets.redeem(ticket);
  if (!grant?.principal) {
    throw unauthorized(
      'invalid ticket: unknown, already used or expired; get a new one from POST /events/tickets',
      true,
    );
  }
  return grant.principal;
}

/**
 * Install the onRequest check on the app. Unknown routes need a valid token too (no probing without one); the
 * dashboard's static files (routes/ui.ts) need none. Routes that accept a stream ticket take one from `tickets`
 * instead of a token.
 */
export function installAuth(
  app: FastifyInstance,
  catalog: RouteCatalog,
  config: AuthConfig,
  tickets: StreamTickets,
): void {
  const scopesFor = scopeResolver(config);
  const jwt = config.jwt ? new JwtVerifier(config.jwt) : null;
  app.addHook('onRequest', async (request: FastifyRequest) => {
    if (request.routeOptions.config?.publicAsset) return;
    const key = request.routeOptions.config?.routeKey;
    const route = key ? catalog.get(key) : undefined;
    const required: ScopeRule = route ? scopesFor(route) : [];
    if (required === 'public') return;
    const byTicket = route?.acceptsTicket ? ticketPrincipal(request, tickets) : null;
    const principal =
      byTicket ??
      (await authenticate(request.headers.authorization, config, jwt).catch((err: unknown) => {
        if (err instanceof ApiError && err.statusCode === 503) {
          request.log.warn({ reason: err.message }, 'a JWT could not be checked');
        }
        throw err;
      }));
    request.principal = principal;
    if (!hasScopes(principal, required)) {
      throw new ApiError(
        403,
        'forbidden',
        `token '${principal.name}' lacks scope ${required.filter((s) => !grants(principal.scopes, s)).join(', ')} needed for ${route?.key ?? 'this route'}`,
        { required, granted: [...principal.scopes] },
        { 'www-authenticate': `${REALM}, error="insufficient_scope", scope="${required.join(' ')}"` },
      );
    }
  });
}
