// SQL building blocks for one schema: quoted table names, epoch-millisecond conversion of timestamptz values and
// the LISTEN/NOTIFY channel name. Statements are built once per store from these, then run as named statements.
import { createHash } from 'node:crypto';
import pg from 'pg';

export interface SchemaNames {
  schema: string;
  /** The quoted schema, e.g. `"tasker"`. */
  q: string;
  tasks: string;
  steps: string;
  edges: string;
  transitions: string;
  annotations: string;
  workers: string;
  migrations: string;
  /** The NOTIFY channel for "steps may be ready" in this schema. */
  channel: string;
}

const MAX_CHANNEL_BYTES = 63;

export function schemaNames(schema: string): SchemaNames {
  const q = pg.escapeIdentifier(schema);
  return {
    schema,
    q,
    tasks: `${q}.tasks`,
    steps: `${q}.steps`,
    edges: `${q}.step_edges`,
    transitions: `${q}.transitions`,
    annotations: `${q}.annotations`,
    workers: `${q}.workers`,
    migrations: `${q}.schema_migrations`,
    channel: wakeChannel(schema),
  };
}

/** `tasker_ready_<schema>`, hashed when that would exceed PostgreSQL's 63-byte identifier limit. */
export function wakeChannel(schema: string): string {
  const plain = `tasker_ready_${schema}`;
  if (Buffer.byteLength(plain) <= MAX_CHANNEL_BYTES) return plain;
  return `tasker_ready_${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

/** SQL expression: a timestamptz as epoch milliseconds (a JS number; NULL stays NULL). */
export function ms(expr: string): string {
  return `(round(extract(epoch from ${expr}) * 1000))::float8`;
}

/**
 * SQL expression: the transaction's clock reading truncated to whole milliseconds. Every time the store writes is
 * taken from it, so the epoch-ms values it reports are exact and keyset cursors compare equal to the rows.
 */
export const NOW = `date_trunc('milliseconds', now())`;

/** SQL expression: NOW plus a parameter holding whole milliseconds. */
export function nowPlusMs(param: string): string {
  return `(${NOW} + (${param})::float8 * interval '1 millisecond')`;
}

/** A 63-bit advisory lock key derived from a label, stable across processes and machines. */
export function advisoryKey(label: string): string {
  const digest = createHash('sha256').update(label).digest();
  return digest.readBigInt64BE(0).toString();
}
