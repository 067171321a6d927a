// The SQLite schema as an ordered list of migrations. Append new versions at the end; never edit an applied one.
// Times are epoch milliseconds (INTEGER); JSON columns are TEXT holding JSON. Task and step ids are AUTOINCREMENT:
// they are shown to users and never reused.

export interface Migration {
  version: number;
  name: string;
  sql: string;
  /**
   * Rebuilds tables that others reference: run with foreign key enforcement off (it cannot change inside a
   * transaction), checked with `PRAGMA foreign_key_check` before the commit (SQLite's documented procedure).
   */
  rebuildsTables?: boolean;
}

const TASK_STATES = ['pending', 'running', 'completed', 'failed', 'cancelled', 'resolved_manually'];
const STEP_STATES = [
  'pending',
  'running',
  'retrying',
  'completed',
  'failed',
  'skipped',
  'cancelled',
  'resolved_manually',
];
/** `state = 'a' OR state = 'b' …`: same rule as `state IN (…)`, which SQLite evaluates with a temporary index each time. */
const oneOf = (states: string[]): string => states.map((s) => `state = '${s}'`).join(' OR ');
const TASK_COLUMNS = `task_id, namespace, name, version, state, context, initiator, source_system, reason, tags, idempotency_key,
  correlation_id, created_at, started_at, completed_at, step_count, open_steps, satisfied_steps`;
const STEP_COLUMNS = `step_id, task_id, name, handler_class, state, depends_on, unmet, attempts, retry_limit, retryable, timeout_ms,
  skippable, results, error, ready_at, next_attempt_at, locked_by, lease_expires_at, started_at, completed_at, duration_ms`;

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    sql: `
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
    `,
  },
  {
    version: 2,
    name: 'one index for running steps',
    // Every claim and completion adds and removes a running step's index entries; one index instead of two saves a
    // page write per transaction (chained step: ~7.3 -> ~6.3 WAL frames). Lease sweeps walk it by expiry; finding a
    // dead worker's steps (rare) reads locked_by from the index entries of running steps without touching rows.
    sql: `
      DROP INDEX steps_lease_idx;
      DROP INDEX steps_holder_idx;
      CREATE INDEX steps_running_idx ON steps (lease_expires_at, locked_by) WHERE state = 'running';
    `,
  },
  {
    version: 3,
    name: 'state checks without IN lists',
    // CHECK (state IN (…)) costs ~1.5 us on every insert and state change (SQLite builds a temporary index for the
    // list each time); the same rule as an OR chain costs ~0.1 us. A CHECK cannot be altered: both tables are rebuilt
    // (ids, AUTOINCREMENT sequences and indexes kept).
    rebuildsTables: true,
    sql: `
      CREATE TABLE tasks_v3 (
        task_id          INTEGER PRIMARY KEY AUTOINCREMENT,
        namespace        TEXT    NOT NULL,
        name             TEXT    NOT NULL,
        version          TEXT    NOT NULL,
        state            TEXT    NOT NULL CHECK (${oneOf(TASK_STATES)}),
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
      INSERT INTO tasks_v3 (${TASK_COLUMNS}) SELECT ${TASK_COLUMNS} FROM tasks ORDER BY task_id;
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
        state            TEXT    NOT NULL CHECK (${oneOf(STEP_STATES)}),
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
      INSERT INTO steps_v3 (${STEP_COLUMNS}) SELECT ${STEP_COLUMNS} FROM steps ORDER BY step_id;
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
    `,
  },
  {
    version: 4,
    name: 'deferred planning, worker capabilities',
    // needs_plan: the task handler's planning hook has not run yet (the submitter lacked the handlers); the first
    // worker that claims a step of the task runs it. capabilities: the template keys a worker can run (JSON array;
    // NULL for workers of older releases, which take anything); lease_ms: how long it may go unseen and still count
    // as live. Columns only: older code keeps working on the upgraded file.
    sql: `
      ALTER TABLE tasks ADD COLUMN needs_plan INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE workers ADD COLUMN capabilities TEXT;
      ALTER TABLE workers ADD COLUMN lease_ms INTEGER;
    `,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
