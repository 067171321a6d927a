-- 1: initial schema

      CREATE TABLE tasks (
        task_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        version          TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (state IN
                           ('pending','running','completed','failed','cancelled','resolved_manually')),
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
      CREATE INDEX tasks_state_idx     ON tasks (state, task_id);
      CREATE INDEX tasks_created_idx   ON tasks (created_at, task_id);
      CREATE INDEX tasks_namespace_idx ON tasks (namespace, name, version);

      CREATE TABLE steps (
        step_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        task_id          INTEGER NOT NULL REFERENCES tasks (task_id),
        name             TEXT    NOT NULL,
        handler_class    TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (state IN ('pending','running','retrying','completed','failed',
                           'skipped','cancelled','resolved_manually')),
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
      CREATE INDEX steps_ready_idx  ON steps (ready_at, step_id) WHERE ready_at IS NOT NULL;
      CREATE INDEX steps_lease_idx  ON steps (lease_expires_at) WHERE state = 'running';
      CREATE INDEX steps_holder_idx ON steps (locked_by) WHERE state = 'running';

      CREATE TABLE step_edges (
        parent_step_id INTEGER NOT NULL REFERENCES steps (step_id),
        child_step_id  INTEGER NOT NULL REFERENCES steps (step_id),
        PRIMARY KEY (parent_step_id, child_step_id)
      ) WITHOUT ROWID;

      CREATE TABLE transitions (
        id         INTEGER PRIMARY KEY,
        task_id    INTEGER NOT NULL REFERENCES tasks (task_id),
        step_id    INTEGER REFERENCES steps (step_id),  -- NULL for task rows
        from_state TEXT,
        to_state   TEXT    NOT NULL,
        at         INTEGER NOT NULL,
        reason     TEXT,
        attempt    INTEGER,
        actor      TEXT,
        error      TEXT
      );
      CREATE INDEX transitions_task_idx ON transitions (task_id, id);

      CREATE TABLE annotations (
        id              INTEGER PRIMARY KEY,
        task_id         INTEGER NOT NULL REFERENCES tasks (task_id),
        annotation_type TEXT    NOT NULL,
        content         TEXT    NOT NULL,
        created_at      INTEGER NOT NULL
      );
      CREATE INDEX annotations_task_idx ON annotations (task_id, id);

      CREATE TABLE workers (
        worker_id    TEXT PRIMARY KEY,
        hostname     TEXT    NOT NULL,
        pid          INTEGER NOT NULL,
        namespaces   TEXT,
        started_at   INTEGER NOT NULL,
        last_seen_at INTEGER NOT NULL
      );
    
