// JSON Web Tokens verified with jose: HS256 with the shared secret, RS256/ES256 with the public keys of a JWKS
// (fetched from jwks_url and cached by jose, or read from jwks_file). The algorithm is pinned per key type (HS256 only
// ever checks against the secret, RS256/ES256 only against the JWKS, `none` never), then exp (required unless
// require_exp: false), nbf, issuer and audience are checked with the configured clock tolerance. The subject names
// the actor (held to the actor rule); scopes come from `scope` or `scp` (space-separated or array) or `scopes`.
import { createHmac } from 'node:crypto';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type CryptoKey,
  type JWTPayload,
  type JWTVerifyGetKey,
  type JWTVerifyOptions,
} from 'jose';
import { actorProblem } from '../actor.js';
import type { JwtConfig } from './jwt-config.js';

export interface JwtIdentity {
  name: string;
  scopes: string[];
}

/** The token's identity; why it is not valid (401); or why it cannot be checked now (the JWKS is unreachable, 503). */
export type JwtResult = JwtIdentity | { invalid: string } | { unavailable: string };

const B64URL = /^[A-Za-z0-9_-]+$/;
const JWKS_TIMEOUT_MS = 5000;

export function looksLikeJwt(token: string): boolean {
  const parts = token.split('.');
  return parts.length === 3 && parts.every((p) => B64URL.test(p));
}

/** Raised from key lookup when the JWKS cannot be fetched or read: the server's problem, not the caller's. */
class JwksUnavailable extends Error {}

function words(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  return Array.isArray(value) ? value.filter((x): x is string => typeof x === 'string') : [];
}

function identity(claims: JWTPayload): JwtIdentity | { invalid: string } {
  if (claims.sub === undefined) return { invalid: 'sub must name the caller' };
  const problem = actorProblem(claims.sub);
  if (problem !== null) return { invalid: `sub ${problem}` };
  const scopes = new Set([...words(claims.scope), ...words(claims.scp), ...words(claims.scopes)]);
  return { name: claims.sub, scopes: [...scopes] };
}

/** Verifies tokens for one configuration (holding the JWKS cache); built once per server. */
export class JwtVerifier {
  private readonly algorithms: string[];
  private readonly options: JWTVerifyOptions;
  private readonly getKey: JWTVerifyGetKey;

  constructor(private readonly config: JwtConfig) {
    this.algorithms = [...(config.secret ? ['HS256'] : []), ...(config.jwks ? ['RS256', 'ES256'] : [])];
    this.options = {
      algorithms: this.algorithms,
      clockTolerance: config.clockToleranceS,
      requiredClaims: config.requireExp ? ['exp'] : [],
      ...(config.issuer !== null ? { issuer: config.issuer } : {}),
      ...(config.audience !== null ? { audience: config.audience } : {}),
    };
    const secret = config.secret ? new Uint8Array(config.secret) : null;
    const jwks = !config.jwks
      ? null
      : 'url' in config.jwks
        ? createRemoteJWKSet(new URL(config.jwks.url), { timeoutDuration: JWKS_TIMEOUT_MS })
        : createLocalJWKSet(config.jwks.keys);
    const remoteUrl = config.jwks && 'url' in config.jwks ? config.jwks.url : null;
    this.getKey = async (header, token) => {
      // The algorithms option has already refused any alg without a key source here.
      if (header.alg === 'HS256') return secret!;
      try {
        return await jwks!(header, token);
      } catch (err) {
        const callerFault = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported].some(
          (kind) => err instanceof kind,
        );
        if (remoteUrl !== null && !callerFault) {
          throw new JwksUnavailable(`the JWKS at ${remoteUrl} could not be fetched (${(err as Error).message})`);
        }
        throw err;
      }
    };
  }

  async verify(token: string): Promise<JwtResult> {
    try {
      return identity((await jwtVerify(token, this.getKey, this.options)).payload);
    } catch (err) {
      if (err instanceof errors.JWKSMultipleMatchingKeys) return this.tryEach(token, err);
      return this.reason(token, err);
    }
  }

  /** Several keys match (no kid): the first whose signature verifies decides. */
  private async tryEach(token: string, matches: errors.JWKSMultipleMatchingKeys): Promise<JwtResult> {
    let last: unknown = new errors.JWSSignatureVerificationFailed();
    for await (const key of matches as unknown as AsyncIterable<CryptoKey>) {
      try {
        return identity((await jwtVerify(token, key, this.options)).payload);
      } catch (err) {
        last = err;
        if (!(err instanceof errors.JWSSignatureVerificationFailed)) break;
      }
    }
    return this.reason(token, last);
  }

  private reason(token: string, err: unknown): { invalid: string } | { unavailable: string } {
    if (err instanceof JwksUnavailable) return { unavailable: err.message };
    if (err instanceof errors.JWTExpired) return { invalid: 'token expired' };
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'exp' && err.reason === 'missing') {
      return {
        invalid: 'the token has no exp (expiry); tokens must expire unless the jwt section says require_exp: false',
      };
    }
    if (err instanceof errors.JWTClaimValidationFailed) return { invalid: err.message };
    if (err instanceof errors.JOSEAlgNotAllowed) {
      let alg = 'unknown';
      try {
        alg = String(decodeProtectedHeader(token).alg);
      } catch {
        // keep unknown
      }
      return { invalid: `alg ${alg} is not accepted here (accepted: ${this.algorithms.join(', ')})` };
    }
    if (err instanceof errors.JWSSignatureVerificationFailed) return { invalid: 'bad signature' };
    if (err instanceof errors.JWKSNoMatchingKey)
      return { invalid: 'no key of the JWKS matches the token (its alg and kid)' };
    if (err instanceof errors.JOSEError) return { invalid: `malformed token: ${err.message}` };
    throw err;
  }
}

/** Sign claims as an HS256 JWT (for tests and for issuing tokens from scripts). */
export function signJwt(claims: Record<string, unknown>, secret: string | Buffer): string {
  const h = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const p = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const s = createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url');
  return `${h}.${p}.${s}`;
}
