// The store's part of template versions: a copy of each template definition tasks were created from, keyed by
// (namespace, name, version), so a task runs to its end on the definition it started with whatever happens to the
// YAML afterwards. A definition is identified by its key alone (no column on tasks): a different definition under a
// key already stored is refused (`conflict`) unless the caller allows redefining (the embedded SQLite store only).
// The fingerprint is computed by the engine (canonical JSON, src/definition/template-fingerprint.ts); the store only
// compares it. store-contract.ts re-exports these types; the Store exposes a DefinitionStore as `store.definitions`.

/** One template definition to keep: its key, fingerprint and the normalised template as JSON. */
export interface TemplateDefinition {
  namespace: string;
  name: string;
  version: string;
  fingerprint: string;
  definition: unknown;
}

/** A definition as the store keeps it, with when it was stored (epoch ms, store clock). */
export interface StoredDefinition extends TemplateDefinition {
  stored_at: number;
}

/**
 * What `saveDefinitions` did with one definition: `stored` (new), `unchanged` (same fingerprint stored already),
 * `replaced` (a different one was stored; only with `allowRedefine`), `conflict` (a different one is stored and was
 * kept). `stored` is the row as the store holds it after the call.
 */
export interface SaveDefinitionResult {
  status: 'stored' | 'unchanged' | 'replaced' | 'conflict';
  stored: StoredDefinition;
}

export interface SaveDefinitionsOptions {
  /**
   * Replace a stored definition whose fingerprint differs instead of reporting a conflict. Refused by stores that
   * many processes share (PostgreSQL: InvalidRequestError).
   */
  allowRedefine?: boolean;
}

/** The store's `definitions` part (`Store.definitions`). */
export interface DefinitionStore {
  /**
   * Keep each definition not stored yet (one transaction on SQLite; idempotent, safe for concurrent callers).
   * Results follow the input order.
   */
  saveDefinitions(defs: readonly TemplateDefinition[], opts?: SaveDefinitionsOptions): Promise<SaveDefinitionResult[]>;
  /** Every stored definition, by namespace, name and version (text order). */
  listDefinitions(): Promise<StoredDefinition[]>;
  getDefinition(namespace: string, name: string, version: string): Promise<StoredDefinition | null>;
}
