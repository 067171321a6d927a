// SQLite migration 2, frozen: one index for running steps. Every claim and completion adds and removes a running
// step's index entries; one index instead of two saves a page write per transaction (chained step: ~7.3 -> ~6.3 WAL
// frames). Lease sweeps walk it by expiry; finding a dead worker's steps (rare) reads locked_by from the index
// entries of running steps without touching rows.
//
// Shipped SQL: never edit it (databases already ran it, and SQLite keeps each CREATE statement's text in
// sqlite_master); a change is a new numbered migration.

export const migration0002 = `
      DROP INDEX steps_lease_idx;
      DROP INDEX steps_holder_idx;
      CREATE INDEX steps_running_idx ON steps (lease_expires_at, locked_by) WHERE state = 'running';
    `;
