// What a PostgreSQL store statement is: a prepared-statement name and its literal SQL, in which the quoted schema
// (`${n.q}`) is the only interpolation. Each file of this folder holds the statements of one store operation, with a
// header saying what they do and what their parameters are; test/store/golden/postgres/ holds their rendered text.
import type { NamedStatement } from '../pool.js';
import type { SchemaNames } from '../sql.js';

export interface PgStatement {
  /** The prepared-statement name (`tasker_…`): unique per connection, and each pool serves one schema. */
  readonly name: string;
  /** The SQL for one schema. */
  readonly render: (n: SchemaNames) => string;
}

export function statement(name: string, render: (n: SchemaNames) => string): PgStatement {
  return { name: `tasker_${name}`, render };
}

/** The statements of a record rendered for one schema, under the same keys. */
export function bindStatements<K extends string>(
  statements: Record<K, PgStatement>,
  n: SchemaNames,
): Record<K, NamedStatement> {
  const out = {} as Record<K, NamedStatement>;
  for (const key of Object.keys(statements) as K[]) {
    out[key] = { name: statements[key].name, text: statements[key].render(n) };
  }
  return out;
}
