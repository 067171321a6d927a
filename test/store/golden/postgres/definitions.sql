-- insertDefinitions (tasker_insert_definitions)
INSERT INTO "tasker".template_definitions (namespace, name, version, fingerprint, definition, stored_at)
  SELECT u.namespace, u.name, u.version, u.fingerprint, u.definition, date_trunc('milliseconds', now())
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::jsonb[])
         AS u(namespace, name, version, fingerprint, definition)
   ORDER BY u.namespace, u.name, u.version
  ON CONFLICT (namespace, name, version) DO NOTHING
  RETURNING namespace, name, version;

-- readDefinitions (tasker_read_definitions)
SELECT d.namespace, d.name, d.version, d.fingerprint, d.definition,
         (round(extract(epoch from d.stored_at) * 1000))::float8 AS stored_at
    FROM "tasker".template_definitions d
   WHERE $1::text[] IS NULL
      OR (d.namespace, d.name, d.version) IN (SELECT * FROM unnest($1::text[], $2::text[], $3::text[]))
   ORDER BY d.namespace, d.name, d.version;
