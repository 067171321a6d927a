// HS256 JSON Web Tokens checked with node:crypto (no dependency): signature compared in constant time, `alg`
// pinned to HS256, exp/nbf honoured, issuer and audience checked when configured. The subject names the actor;
// scopes come from `scope` (space-separated) or `scopes` (array).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { actorProblem } from '../actor.js';
import type { JwtConfig } from './config.js';

export interface JwtIdentity {
  name: string;
  scopes: string[];
}

const B64URL = /^[A-Za-z0-9_-]+$/;
const CLOCK_SKEW_S = 30;

function decodePart(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => B64URL.test(p));
}

/** The identity a valid token carries, or a reason it is not valid. */
export function verifyJwt(token: string, config: JwtConfig, nowMs = Date.now()): JwtIdentity | { invalid: string } {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => B64URL.test(p))) return { invalid: 'malformed token' };
  const [h, p, s] = parts as [string, string, string];
  const header = decodePart(h);
  if (!header || header.alg !== 'HS256') return { invalid: 'only HS256 tokens are accepted' };
  const expected = createHmac('sha256', config.secret).update(`${h}.${p}`).digest();
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { invalid: 'bad signature' };
  const claims = decodePart(p);
  if (!claims) return { invalid: 'malformed claims' };
  const now = nowMs / 1000;
  if (claims.exp === undefined && config.requireExp) return { invalid: 'the token has no exp (expiry); tokens must expire unless the jwt configuration says require_exp: false' };
  if (claims.exp !== undefined && !(typeof claims.exp === 'number' && now < claims.exp + CLOCK_SKEW_S)) return { invalid: 'token expired' };
  if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && now >= claims.nbf - CLOCK_SKEW_S)) return { invalid: 'token not yet valid' };
  if (config.issuer !== null && claims.iss !== config.issuer) return { invalid: 'wrong issuer' };
  if (config.audience !== null) {
    const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    if (!aud.includes(config.audience)) return { invalid: 'wrong audience' };
  }
  if (claims.sub === undefined) return { invalid: 'sub must name the caller' };
  const problem = actorProblem(claims.sub);
  if (problem !== null) return { invalid: `sub ${problem}` };
  const sub = claims.sub as string;
  const scopes =
    typeof claims.scope === 'string' ? claims.scope.split(' ').filter(Boolean) : Array.isArray(claims.scopes) ? claims.scopes.filter((x): x is string => typeof x === 'string') : [];
  return { name: sub, scopes };
}

/** Sign claims as an HS256 JWT (for tests and for issuing tokens from scripts). */
export function signJwt(claims: Record<string, unknown>, secret: string | Buffer): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
