-- 13: template versions: stored definitions

      CREATE TABLE template_definitions (
        namespace   TEXT    NOT NULL,
        name        TEXT    NOT NULL,
        version     TEXT    NOT NULL,
        fingerprint TEXT    NOT NULL,
        definition  TEXT    NOT NULL,
        stored_at   INTEGER NOT NULL,
        PRIMARY KEY (namespace, name, version)
      ) WITHOUT ROWID;

