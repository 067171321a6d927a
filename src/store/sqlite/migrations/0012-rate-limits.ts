// SQLite migration 12, frozen: rate limits (issue 14). Two tables, two columns and an index swap: older code keeps
// working on the upgraded file (its claim, without `rate_key IS NULL`, no longer matches the partial claim index and
// sorts its ready rows itself until it restarts).
// - rate_limits: one row per named limit ("limit" starts per period_ms, plus burst at once), source 'template' (the
//   newest declaration) or 'operator' (set by hand: templates never overwrite it).
// - rate_buckets: one token bucket per bucket key (`name`, or `name:` + key values as JSON): tokens (fractional,
//   below zero while drained by a RateLimitedError) as of refilled_at (epoch ms).
// - steps.rate_key: the step's bucket (NULL: no rate limit), set at creation; steps.rate_wait: 1 while the step waits
//   for a token (ready_at then says when its bucket should have one).
// - steps_claim_idx now holds only steps without a rate limit (the plain claim's index, unchanged for it);
//   steps_rate_ready_idx holds the ready rate-limited ones, in claim order, for the rate claim;
//   steps_rate_wait_idx only the steps waiting for a token (listRateLimits counts them by key).
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0012 = `
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
    `;
