// SQLite migration 13, frozen: template versions pinned per task (issue 15), expand-only (a new table nothing of the
// previous release reads).
// - template_definitions: the definition (the normalised template as JSON text) each (namespace, name, version) was
//   first used with, its fingerprint (the engine's canonical hash; a different one under the same key is refused
//   unless the caller allows redefining) and when it was stored (epoch ms). Tasks carry no column for it:
//   (namespace, name, version), which tasks already hold, identifies it.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0013 = `
      CREATE TABLE template_definitions (
        namespace   TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        version     TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        definition  TEXT    NOT NULL,
        stored_at   INTEGER NOT NULL,
        PRIMARY KEY (namespace, name, version)
      ) WITHOUT ROWID;
`;
