// Names of one schema for the SQL of the store: the quoted schema that every statement and migration interpolates,
// the LISTEN/NOTIFY channel name, and advisory lock keys.
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface SchemaNames {
  schema: string;
  /** The quoted schema, e.g. `"tasker"`: the only interpolation in the store's SQL (sql/, migrations/). */
  q: string;
  /** The NOTIFY channel for "steps may be ready" in this schema. */
  channel: string;
}

const MAX_CHANNEL_BYTES = 63;

export function schemaNames(schema: string): SchemaNames {
  return { schema, q: pg.escapeIdentifier(schema), channel: wakeChannel(schema) };
}

/** `tasker_ready_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifier limit. */
export function wakeChannel(schema: string): string {
  const plain = `tasker_ready_${schema}`;
  if (Buffer.byteLength(plain) <= MAX_CHANNEL_BYTES) return plain;
  return `tasker_ready_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** A 63-bit advisory lock key derived from a label, stable across processes and machines. */
export function advisoryKey(label: string): string {
  const digest = createHash('sha256').update(label).digest();
  return digest.readBigInt64BE(0).toString();
}
