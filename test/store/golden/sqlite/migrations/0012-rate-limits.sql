-- 12: flow control: rate limits

      CREATE TABLE rate_limits (
        name       TEXT    PRIMARY KEY,
        "limit"    INTEGER NOT NULL CHECK ("limit" >= 1),
        period_ms  INTEGER NOT NULL CHECK (period_ms >= 1),
        burst      INTEGER NOT NULL DEFAULT 0 CHECK (burst >= 0),
        source     TEXT    NOT NULL CHECK (source = 'template' OR source = 'operator'),
        actor      TEXT,
        updated_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE rate_buckets (
        bucket_key  TEXT    PRIMARY KEY,
        name        TEXT    NOT NULL,
        tokens      REAL    NOT NULL,
        refilled_at INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE INDEX rate_buckets_name_idx ON rate_buckets (name);
      ALTER TABLE steps ADD COLUMN rate_key TEXT;
      ALTER TABLE steps ADD COLUMN rate_wait INTEGER;
      DROP INDEX steps_claim_idx;
      CREATE INDEX steps_claim_idx ON steps (priority DESC, ready_at, step_id)
        WHERE ready_at IS NOT NULL AND rate_key IS NULL;
      CREATE INDEX steps_rate_ready_idx ON steps (priority DESC, ready_at, step_id)
        WHERE ready_at IS NOT NULL AND rate_key IS NOT NULL;
      CREATE INDEX steps_rate_wait_idx ON steps (rate_key) WHERE rate_wait = 1;
    
