// Template definitions on SQLite (../definitions.ts): the definition each (namespace, name, version) was first used
// with, read and written inside the caller's IMMEDIATE transaction.

/** The stored definition of (namespace ?, name ?, version ?). Row: namespace, name, version, fingerprint, definition, stored_at. */
export const readDefinition = `
    SELECT namespace, name, version, fingerprint, definition, stored_at
      FROM template_definitions WHERE namespace = ? AND name = ? AND version = ?`;

/** A new definition: namespace, name, version, fingerprint, definition (JSON text), stored_at (epoch ms). */
export const insertDefinition = `
    INSERT INTO template_definitions (namespace, name, version, fingerprint, definition, stored_at)
    VALUES (?, ?, ?, ?, ?, ?)`;

/** Replace a definition (allowRedefine): fingerprint, definition, stored_at, then namespace, name, version. */
export const replaceDefinition = `
    UPDATE template_definitions SET fingerprint = ?, definition = ?, stored_at = ?
     WHERE namespace = ? AND name = ? AND version = ?`;

/** Every stored definition, by key. */
export const listDefinitions = `
    SELECT namespace, name, version, fingerprint, definition, stored_at
      FROM template_definitions ORDER BY namespace, name, version`;
