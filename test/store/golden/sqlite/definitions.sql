-- readDefinition

    SELECT namespace, name, version, fingerprint, definition, stored_at
      FROM template_definitions WHERE namespace = ? AND name = ? AND version = ?;

-- insertDefinition

    INSERT INTO template_definitions (namespace, name, version, fingerprint, definition, stored_at)
    VALUES (?, ?, ?, ?, ?, ?);

-- replaceDefinition

    UPDATE template_definitions SET fingerprint = ?, definition = ?, stored_at = ?
     WHERE namespace = ? AND name = ? AND version = ?;

-- listDefinitions

    SELECT namespace, name, version, fingerprint, definition, stored_at
      FROM template_definitions ORDER BY namespace, name, version;
