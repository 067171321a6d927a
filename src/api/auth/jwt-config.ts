// The `jwt` section of the auth configuration: where verification keys come from (an HS256 shared secret, and/or
// the RS256/ES256 public keys of an identity provider's JWKS, by URL or file), which issuer and audience to demand,
// whether `exp` is required and how much clock skew to tolerate — checked with messages that name the field.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { JSONWebKeySet } from 'jose';
import { environmentVariable } from '../../core/environment.js';
import { isLoopbackHost } from '../origin-guard.js';

export interface JwtConfig {
  /** HS256 shared secret, or null. */
  secret: Buffer | null;
  /** Where RS256/ES256 public keys come from (a URL fetched and cached, or a file read at load), or null. */
  jwks: { url: string } | { file: string; keys: JSONWebKeySet } | null;
  issuer: string | null;
  audience: string | string[] | null;
  /** Refuse tokens without `exp` (default true). */
  requireExp: boolean;
  /** Seconds of clock skew allowed for exp and nbf (default 30). */
  clockToleranceS: number;
}

export const DEFAULT_CLOCK_TOLERANCE_S = 30;

export const JWT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    secret: { type: 'string', minLength: 32 },
    secret_env: { type: 'string', minLength: 1 },
    jwks_url: { type: 'string', minLength: 1 },
    jwks_file: { type: 'string', minLength: 1 },
    issuer: { type: 'string', minLength: 1 },
    audience: {
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
      ],
    },
    require_exp: { type: 'boolean' },
    clock_tolerance_s: { type: 'integer', minimum: 0, maximum: 300 },
  },
};

export interface JwtInput {
  secret?: string;
  secret_env?: string;
  jwks_url?: string;
  jwks_file?: string;
  issuer?: string;
  audience?: string | string[];
  require_exp?: boolean;
  clock_tolerance_s?: number;
}

function secretOf(input: JwtInput, problems: string[]): Buffer | null {
  if (input.secret !== undefined && input.secret_env !== undefined) {
    problems.push('jwt: give either secret or secret_env, not both');
  }
  let secret = input.secret;
  if (input.secret_env !== undefined) {
    secret = environmentVariable(input.secret_env);
    if (!secret) problems.push(`jwt.secret_env: environment variable ${input.secret_env} is not set`);
    else if (secret.length < 32) problems.push(`jwt.secret_env: ${input.secret_env} must hold at least 32 characters`);
  }
  return secret ? Buffer.from(secret, 'utf8') : null;
}

function jwksUrl(url: string, problems: string[]): { url: string } | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    problems.push(`jwt.jwks_url: '${url}' is not a URL`);
    return null;
  }
  const loopbackHttp = parsed.protocol === 'http:' && isLoopbackHost(parsed.hostname);
  if (parsed.protocol === 'https:' || loopbackHttp) return { url: parsed.href };
  problems.push(`jwt.jwks_url: '${url}' must be an https:// URL (http:// only for a loopback host)`);
  return null;
}

function jwksFile(file: string, baseDir: string, problems: string[]): { file: string; keys: JSONWebKeySet } | null {
  const path = resolve(baseDir, file);
  let keys: unknown;
  try {
    keys = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    problems.push(`jwt.jwks_file: cannot read ${path} as JSON: ${(err as Error).message}`);
    return null;
  }
  const list = (keys as { keys?: unknown })?.keys;
  if (!Array.isArray(list) || !list.every((k) => typeof k === 'object' && k !== null)) {
    problems.push(`jwt.jwks_file: ${path} is not a JWK Set ({ "keys": [...] })`);
    return null;
  }
  const privateAt = list.findIndex((k: Record<string, unknown>) => 'd' in k || k.kty === 'oct');
  if (privateAt >= 0) {
    problems.push(`jwt.jwks_file: ${path} holds a private or secret key (keys[${privateAt}]); give public keys only`);
    return null;
  }
  if (!list.some((k: Record<string, unknown>) => k.kty === 'RSA' || (k.kty === 'EC' && k.crv === 'P-256'))) {
    problems.push(`jwt.jwks_file: ${path} has no RS256 or ES256 key (kty RSA, or kty EC with crv P-256)`);
    return null;
  }
  return { file: path, keys: keys as JSONWebKeySet };
}

/** The checked `jwt` section, or null with `problems` filled. `baseDir` anchors a relative jwks_file. */
export function jwtConfig(input: JwtInput, problems: string[], baseDir: string): JwtConfig | null {
  const before = problems.length;
  const secret = secretOf(input, problems);
  if (input.jwks_url !== undefined && input.jwks_file !== undefined) {
    problems.push('jwt: give either jwks_url or jwks_file, not both');
  }
  let jwks: JwtConfig['jwks'] = null;
  if (input.jwks_url !== undefined) jwks = jwksUrl(input.jwks_url, problems);
  else if (input.jwks_file !== undefined) jwks = jwksFile(input.jwks_file, baseDir, problems);
  const keyed = input.secret ?? input.secret_env ?? input.jwks_url ?? input.jwks_file;
  if (keyed === undefined) {
    problems.push('jwt: needs a key: secret or secret_env (HS256), or jwks_url or jwks_file (RS256/ES256)');
  }
  if (input.jwks_url !== undefined || input.jwks_file !== undefined) {
    // An identity provider signs tokens for many services: without both checks, any of them would get in.
    if (input.issuer === undefined) {
      problems.push("jwt.issuer: required with jwks_url/jwks_file (the identity provider's issuer)");
    }
    if (input.audience === undefined) {
      problems.push('jwt.audience: required with jwks_url/jwks_file (the audience that tokens for this API carry)');
    }
  }
  if (problems.length > before) return null;
  return {
    secret,
    jwks,
    issuer: input.issuer ?? null,
    audience: input.audience ?? null,
    requireExp: input.require_exp ?? true,
    clockToleranceS: input.clock_tolerance_s ?? DEFAULT_CLOCK_TOLERANCE_S,
  };
}
