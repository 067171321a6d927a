// Which Host and Origin a request may carry, against DNS rebinding and cross-site request forgery (both matter
// most with auth off, the loopback default). Any request whose Host is not a name of the bound address is refused
// (loopback aliases count for loopback and wildcard binds; on a wildcard bind so does the address the connection
// arrived at; `allowedHosts` adds names, `*` turns the check off). A state-changing request (POST, PUT, PATCH,
// DELETE) whose Origin is present and neither the server's own (same host and port as its Host) nor listed in
// `allowedOrigins` is refused. Requests without an Origin (curl, the CLI, server-to-server) pass.
import { isIP, type AddressInfo } from 'node:net';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';
import { ApiOptionError } from './server-options.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

export interface OriginPolicy {
  /** Extra Host names (lower case, no port), or `any` when the Host check is off. */
  hosts: ReadonlySet<string> | 'any';
  /** Extra origins, serialised as `scheme://host[:port]`. */
  origins: ReadonlySet<string>;
}

/** A host name as compared here: lower case, no port, no brackets, no trailing dot; null when malformed. */
export function hostNameOf(value: string): string | null {
  if (value === '' || /[\s@/\\?#]/.test(value)) return null;
  let url: URL;
  try {
    url = new URL(`http://${value}`);
  } catch {
    return null;
  }
  const name = url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return name === '' ? null : name;
}

/** The name of a socket address (`::ffff:10.0.0.5` is 10.0.0.5; IPv6 compressed as URLs write it). */
function addressName(address: string): string | null {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1]!;
  return hostNameOf(isIP(address) === 6 ? `[${address}]` : address);
}

/** True for `localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped), with or without brackets. */
export function isLoopbackHost(host: string): boolean {
  const name = addressName(host.replace(/^\[(.*)\]$/, '$1'));
  return name !== null && (name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name));
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '::ffff:0.0.0.0';
}

/** Check `allowedHosts` / `allowedOrigins` (from options or flags, named by `labels` in messages). */
export function parseOriginPolicy(
  allowedHosts: readonly string[] = [],
  allowedOrigins: readonly string[] = [],
  labels = { hosts: 'allowedHosts', origins: 'allowedOrigins' },
): OriginPolicy {
  const problems: string[] = [];
  const names = new Set<string>();
  let any = false;
  for (const [i, entry] of allowedHosts.entries()) {
    const name = entry === '*' ? '*' : hostNameOf(entry.trim());
    if (name === null) {
      problems.push(`${labels.hosts}[${i}]: '${entry}' is not a host name (e.g. tasker.internal or 10.0.0.5)`);
    } else if (name === '*') any = true;
    else names.add(name);
  }
  const origins = new Set<string>();
  for (const [i, entry] of allowedOrigins.entries()) {
    let url: URL | null;
    try {
      url = new URL(entry.trim());
    } catch {
      url = null;
    }
    const plain =
      url &&
      /^https?:$/.test(url.protocol) &&
      !url.username &&
      !url.password &&
      url.pathname === '/' &&
      !url.search &&
      !url.hash;
    if (url && plain) origins.add(url.origin);
    else
      problems.push(
        `${labels.origins}[${i}]: '${entry}' is not an origin (scheme://host[:port], e.g. https://ops.example.com)`,
      );
  }
  if (problems.length) throw new ApiOptionError(problems.join('; '), problems);
  return { hosts: any ? 'any' : names, origins };
}

/** The names the bound address answers to: loopback aliases until listening (inject), then the address's own. */
class BoundNames {
  private names = new Set(LOOPBACK_NAMES);
  private wildcard = false;

  update(address: AddressInfo | string | null): void {
    if (address === null || typeof address === 'string') {
      // Not listening, or a Unix socket / named pipe (no browser reaches those): loopback names.
      this.names = new Set(LOOPBACK_NAMES);
      this.wildcard = false;
      return;
    }
    this.wildcard = isWildcard(address.address);
    const loopback = this.wildcard || isLoopbackHost(address.address);
    const own = addressName(address.address);
    this.names = new Set([...(loopback ? LOOPBACK_NAMES : []), ...(own ? [own] : [])]);
  }

  /** The names a request arriving at `localAddress` may use. */
  list(localAddress: string | undefined): string[] {
    const extra = this.wildcard && localAddress ? addressName(localAddress) : null;
    return extra && !this.names.has(extra) ? [...this.names, extra] : [...this.names];
  }
}

const shown = (value: string) => (value.length > 200 ? `${value.slice(0, 200)}...` : value);
const display = (name: string) => (isIP(name) === 6 ? `[${name}]` : name);

function refused(header: 'host' | 'origin', message: string): ApiError {
  const why = header === 'host' ? 'not a name of this server' : 'not an allowed origin';
  return new ApiError(403, 'forbidden', message, [{ field: `headers.${header}`, message: why }]);
}

/** True when `origin` is listed, or has the scheme's host and port the request was addressed to (its Host). */
function originAllowed(origin: string, host: string | undefined, policy: OriginPolicy): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (!/^https?:$/.test(url.protocol)) return false;
  if (policy.origins.has(url.origin)) return true;
  if (host === undefined) return false;
  try {
    return new URL(`${url.protocol}//${host}`).host === url.host;
  } catch {
    return false;
  }
}

/** Install the checks as the first onRequest hook (before auth, so a refused request learns nothing more). */
export function installOriginGuard(app: FastifyInstance, policy: OriginPolicy): void {
  const bound = new BoundNames();
  app.server.on('listening', () => bound.update(app.server.address()));
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const host = request.headers.host;
    if (host !== undefined && policy.hosts !== 'any') {
      const name = hostNameOf(host);
      const names = bound.list(request.socket?.localAddress);
      if (name === null || !(policy.hosts.has(name) || names.includes(name))) {
        const known = [...names, ...policy.hosts].map(display).join(', ');
        throw refused(
          'host',
          `Host '${shown(host)}' is not a name of this server (it answers to ${known}); to allow it, add the name to ` +
            '--allowed-hosts (createApiServer option allowedHosts)',
        );
      }
    }
    const origin = request.headers.origin;
    if (origin !== undefined && STATE_CHANGING.has(request.method) && !originAllowed(origin, host, policy)) {
      throw refused(
        'origin',
        `Origin '${shown(origin)}' is not this server's own, so this cross-site ${request.method} is refused; ` +
          'to allow it, add the origin to --allowed-origins (createApiServer option allowedOrigins)',
      );
    }
  });
}
