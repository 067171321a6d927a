// The auth configuration: bearer tokens (kept only as SHA-256 hashes; a plaintext `token` in the file is hashed
// at load and dropped), per-route scope overrides and optional JWT verification (jwt-config.ts) — read from a JSON
// or YAML file and checked with messages that name the file and the field.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseYaml } from 'yaml';
import { TaskerError } from '../../core/errors.js';
import { SCOPES, type Scope } from '../route-catalog.js';
import { JWT_SCHEMA, jwtConfig, type JwtConfig, type JwtInput } from './jwt-config.js';

export type { JwtConfig };

export interface TokenEntry {
  name: string;
  /** SHA-256 of the token (32 bytes). */
  hash: Buffer;
  scopes: ReadonlySet<Scope>;
}

export interface AuthConfig {
  tokens: TokenEntry[];
  /** `METHOD /path` -> scopes required instead of the route's defaults ([] = any valid token). */
  routes: Record<string, Scope[]>;
  jwt: JwtConfig | null;
  /** Where it was read from, for messages. */
  source: string;
}

/** A tokens file or object that cannot be used. Exit code 2 from the CLI. */
export class AuthConfigError extends TaskerError {
  override name = 'AuthConfigError';
  constructor(message: string, details?: unknown) {
    super(message, 'auth_config', details);
  }
}

export const AUTH_TOKENS_ENV = 'TASKER_AUTH_TOKENS_FILE';

export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

const FILE_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tokens: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'scopes'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', minLength: 1, maxLength: 100, pattern: '^[\\x21-\\x7e]+$' },
          token_sha256: { type: 'string', pattern: '^[0-9a-fA-F]{64}$' },
          token: { type: 'string', minLength: 16, maxLength: 4096, pattern: '^[A-Za-z0-9._~+/=-]+$' },
          scopes: { type: 'array', items: { type: 'string', enum: [...SCOPES] } },
        },
      },
    },
    routes: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string', enum: [...SCOPES] } } },
    jwt: JWT_SCHEMA,
  },
};

const validateFile = new Ajv({ allErrors: true, strict: false }).compile(FILE_SCHEMA);

interface TokenInput {
  name: string;
  token_sha256?: string;
  token?: string;
  scopes: Scope[];
}

interface FileInput {
  tokens?: TokenInput[];
  routes?: Record<string, Scope[]>;
  jwt?: JwtInput;
}

/** Check and normalise an auth configuration object (the parsed file); `baseDir` anchors a relative jwks_file. */
export function parseAuthConfig(input: unknown, source = 'auth config', baseDir = process.cwd()): AuthConfig {
  if (!validateFile(input)) {
    const details = (validateFile.errors ?? []).map((e) => {
      const at =
        e.instancePath
          .replace(/^\//, '')
          .replace(/\/(\d+)/g, '[$1]')
          .replace(/\//g, '.') || '(root)';
      const extra = e.keyword === 'additionalProperties' ? ` '${String(e.params.additionalProperty)}'` : '';
      return `${at}: ${e.message ?? 'is invalid'}${extra}`;
    });
    throw new AuthConfigError(`${source} is not a valid auth configuration`, details);
  }
  const file = input as FileInput;
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  const tokens: TokenEntry[] = (file.tokens ?? []).map((t, i) => {
    if (names.has(t.name)) problems.push(`tokens[${i}].name: '${t.name}' is used twice`);
    names.add(t.name);
    if ((t.token === undefined) === (t.token_sha256 === undefined))
      problems.push(`tokens[${i}] (${t.name}): give exactly one of token_sha256 or token`);
    const hash = t.token !== undefined ? hashToken(t.token) : Buffer.from(t.token_sha256 ?? '0'.repeat(64), 'hex');
    const hex = hash.toString('hex');
    if (hashes.has(hex)) problems.push(`tokens[${i}] (${t.name}): the same token is configured twice`);
    hashes.add(hex);
    return { name: t.name, hash, scopes: new Set(t.scopes) };
  });
  const jwt = file.jwt ? jwtConfig(file.jwt, problems, baseDir) : null;
  if (!tokens.length && !file.jwt) problems.push('configure at least one token (tokens: [...]) or a jwt section');
  if (problems.length) throw new AuthConfigError(`${source} is not a valid auth configuration`, problems);
  return { tokens, routes: file.routes ?? {}, jwt, source };
}

/** Read a JSON or YAML tokens file. */
export function loadAuthConfig(file: string): AuthConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new AuthConfigError(`cannot read the auth tokens file ${file}: ${(err as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text); // YAML is a superset of JSON, so this reads both
  } catch (err) {
    throw new AuthConfigError(`the auth tokens file ${file} is neither valid JSON nor YAML: ${(err as Error).message}`);
  }
  return parseAuthConfig(parsed, `the auth tokens file ${file}`, dirname(file));
}
