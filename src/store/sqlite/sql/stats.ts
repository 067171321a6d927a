// stats(), ping() and the commit counter on SQLite: counts by state, claimable steps and the oldest one's age, claimable steps no live worker
// can run, a liveness probe, and PRAGMA data_version (changes when another connection commits; ../wake.ts).

/** Rows: state, n. */
export const tasksByState = 'SELECT state, COUNT(*) AS n FROM tasks GROUP BY state';

/** Rows: state, n. */
export const stepsByState = 'SELECT state, COUNT(*) AS n FROM steps GROUP BY state';

/** Steps claimable at now (?) and the oldest one's ready time (null when none), on the ready index. Row: n, oldest. */
export const readyDepth = `
    SELECT TOTAL(n) AS n, MIN(oldest) AS oldest FROM (
      SELECT COUNT(*) AS n, MIN(ready_at) AS oldest FROM steps
       WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL
      UNION ALL
      SELECT COUNT(*), MIN(ready_at) FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL)`;

/**
 * Steps claimable at now (first) that no live worker (seen within its lease before now, second; 30 s when it did
 * not say) can run; a worker without capabilities runs anything. Row: n.
 */
export const waitingForWorker = `
    SELECT COUNT(*) AS n
      FROM (SELECT task_id FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NULL
            UNION ALL
            SELECT task_id FROM steps WHERE ready_at IS NOT NULL AND ready_at <= ? AND rate_key IS NOT NULL) s
     CROSS JOIN tasks t ON t.task_id = s.task_id
     WHERE t.state = 'running'
       AND NOT EXISTS (SELECT 1 FROM workers w
                        WHERE w.last_seen_at >= ? - coalesce(w.lease_ms, 30000)
                          AND (w.capabilities IS NULL
                               OR EXISTS (SELECT 1 FROM json_each(w.capabilities) c
                                           WHERE c.value = t.namespace || '/' || t.name || '@' || t.version)))`;

export const ping = 'SELECT 1 AS ok';

export const dataVersion = 'PRAGMA data_version';
