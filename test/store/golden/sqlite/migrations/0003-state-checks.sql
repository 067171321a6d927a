-- 3: state checks without IN lists (rebuilds tables: foreign keys off, checked before commit)

      CREATE TABLE tasks_v3 (
        task_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        version          TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (state = 'pending' OR state = 'running' OR state = 'completed' OR state = 'failed' OR state = 'cancelled' OR state = 'resolved_manually'),
        context          TEXT    NOT NULL,
        initiator        TEXT,
        source_system    TEXT,
        reason           TEXT,
        tags             TEXT    NOT NULL DEFAULT '[]',
        idempotency_key  TEXT    UNIQUE,
        correlation_id   TEXT    NOT NULL,
        created_at       INTEGER NOT NULL,
        started_at       INTEGER,
        completed_at     INTEGER,
        step_count       INTEGER NOT NULL,
        open_steps       INTEGER NOT NULL,  -- steps claimable, running or retrying; 0 => finalise
        satisfied_steps  INTEGER NOT NULL   -- steps completed, skipped or resolved_manually
      );
      INSERT INTO tasks_v3 (task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
  correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps) SELECT task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
  correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps FROM tasks ORDER BY task_id;
      CREATE TEMP TABLE tasker_v3_seq AS SELECT name, seq FROM sqlite_sequence WHERE name IN ('tasks', 'steps');
      DROP TABLE tasks;
      ALTER TABLE tasks_v3 RENAME TO tasks;
      CREATE INDEX tasks_state_idx     ON tasks (state, task_id);
      CREATE INDEX tasks_created_idx   ON tasks (created_at, task_id);
      CREATE INDEX tasks_namespace_idx ON tasks (namespace, name, version);

      CREATE TABLE steps_v3 (
        step_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id          INTEGER NOT NULL REFERENCES tasks (task_id),
        name             TEXT    NOT NULL,
        handler_class    TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (state = 'pending' OR state = 'running' OR state = 'retrying' OR state = 'completed' OR state = 'failed' OR state = 'skipped' OR state = 'cancelled' OR state = 'resolved_manually'),
        depends_on       TEXT    NOT NULL DEFAULT '[]',  -- parent names, for reads only
        unmet            INTEGER NOT NULL,                -- parents not yet completed/skipped/resolved_manually
        attempts         INTEGER NOT NULL DEFAULT 0,
        retry_limit      INTEGER NOT NULL,
        retryable        INTEGER NOT NULL,
        timeout_ms       INTEGER,
        skippable        INTEGER NOT NULL,
        results          TEXT,
        error            TEXT,
        ready_at         INTEGER,  -- NULL unless claimable (pending with unmet = 0, or retrying)
        next_attempt_at  INTEGER,
        locked_by        TEXT,
        lease_expires_at INTEGER,
        started_at       INTEGER,
        completed_at     INTEGER,
        duration_ms      INTEGER,
        UNIQUE (task_id, name)
      );
      INSERT INTO steps_v3 (step_id, task_id, name, handler_class, state, depends_on, unmet, attempts, retry_limit, retryable, timeout_ms,
  skippable, results, error, ready_at, next_attempt_at, locked_by, lease_expires_at, started_at, completed_at, duration_ms) SELECT step_id, task_id, name, handler_class, state, depends_on, unmet, attempts, retry_limit, retryable, timeout_ms,
  skippable, results, error, ready_at, next_attempt_at, locked_by, lease_expires_at, started_at, completed_at, duration_ms FROM steps ORDER BY step_id;
      DROP TABLE steps;
      ALTER TABLE steps_v3 RENAME TO steps;
      CREATE INDEX steps_ready_idx   ON steps (ready_at, step_id) WHERE ready_at IS NOT NULL;
      CREATE INDEX steps_running_idx ON steps (lease_expires_at, locked_by) WHERE state = 'running';

      -- ids are never reused: keep each sequence at least where it was (rows may have been deleted since)
      UPDATE sqlite_sequence SET seq = max(seq, (SELECT seq FROM temp.tasker_v3_seq s WHERE s.name = sqlite_sequence.name))
       WHERE name IN (SELECT name FROM temp.tasker_v3_seq);
      INSERT INTO sqlite_sequence (name, seq)
        SELECT name, seq FROM temp.tasker_v3_seq s WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence q WHERE q.name = s.name);
      DROP TABLE temp.tasker_v3_seq;
    
