// Parsing of `postgres://` / `postgresql://` store URLs: the schema to use (`?schema=` or an option, default
// `tasker`), the connection string handed to `pg` (without the schema parameter) and a credential-free display URL.
import { StoreUrlError } from '../../core/errors.js';
import { redactStoreUrl } from '../store-url.js';

export const DEFAULT_SCHEMA = 'tasker';
const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_IDENTIFIER_BYTES = 63;

export interface ParsedPostgresUrl {
  /** What `pg` connects with: the URL minus `schema`. */
  connectionString: string;
  schema: string;
  /** The URL with its credentials masked (redactStoreUrl), for logs and `Store.url`. */
  displayUrl: string;
}

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Throws StoreUrlError naming the problem when the schema name is not a plain SQL identifier. */
export function validateSchemaName(schema: string, where: string): string {
  if (!SCHEMA_NAME.test(schema) || Buffer.byteLength(schema) > MAX_IDENTIFIER_BYTES) {
    throw new StoreUrlError(
      `${where}: schema name ${JSON.stringify(schema)} is not valid; use letters, digits and _ ` +
        `(not starting with a digit), at most ${MAX_IDENTIFIER_BYTES} characters`,
    );
  }
  return schema;
}

export function parsePostgresUrl(url: string, schemaOption?: string): ParsedPostgresUrl {
  if (!isPostgresUrl(url)) {
    throw new StoreUrlError(
      `not a PostgreSQL URL: ${JSON.stringify(redactStoreUrl(url))} (expected postgres:// or postgresql://)`,
    );
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreUrlError(`malformed PostgreSQL URL: ${JSON.stringify(redactStoreUrl(url))}`);
  }
  const fromUrl = parsed.searchParams.get('schema');
  if (fromUrl !== null && schemaOption !== undefined && fromUrl !== schemaOption) {
    throw new StoreUrlError(
      `PostgreSQL URL names schema "${fromUrl}" but the schema option says "${schemaOption}"; give only one`,
    );
  }
  const schema =
    schemaOption !== undefined
      ? validateSchemaName(schemaOption, 'schema option')
      : fromUrl !== null
        ? validateSchemaName(fromUrl, 'PostgreSQL URL ?schema=')
        : DEFAULT_SCHEMA;
  parsed.searchParams.delete('schema');
  const connectionString = parsed.toString();
  const display = new URL(parsed.toString());
  if (schema !== DEFAULT_SCHEMA) display.searchParams.set('schema', schema);
  return { connectionString, schema, displayUrl: redactStoreUrl(display.toString()) };
}
