-- 12: template versions: stored definitions

-- statement 1 of 1
CREATE TABLE "tasker".template_definitions (
      namespace text NOT NULL,
      name text NOT NULL,
      version text NOT NULL,
      fingerprint text NOT NULL,
      definition jsonb NOT NULL,
      stored_at timestamptz NOT NULL,
      PRIMARY KEY (namespace, name, version)
    );
