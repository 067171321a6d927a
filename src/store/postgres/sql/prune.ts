// pruneTasks (../prune.ts): the store clock, the count of a dry run, and one batch: lock the oldest eligible tasks of a
// state (SKIP LOCKED: tasks an operator, a rerun or another prune holds are left for later), then delete their history,
// annotations, steps with their edges, and the tasks, children first. A task is eligible when it is in the state and finished
// before the cutoff; `created_at < cutoff` holds for every such task (it finished after it was created) and bounds
// the range scan of tasks_state_idx (state, created_at). Cutoffs are epoch ms (float8).
import { statement } from './statement.js';

/** The store clock. Row: now (epoch ms). */
export const pruneNow = statement('prune_now', () => `SELECT (round(extract(epoch from now()) * 1000))::float8 AS now`);

/** Tasks in state $1 that finished before $2, and their steps. Row: tasks, steps. */
export const pruneCount = statement(
  'prune_count',
  (n) => `SELECT count(*)::integer AS tasks, coalesce(sum(step_count), 0)::bigint AS steps FROM ${n.q}.tasks
        WHERE state = $1 AND created_at < to_timestamp($2::float8 / 1000)
          AND completed_at < to_timestamp($2::float8 / 1000) AND parent_task_id IS NULL`,
);

/**
 * Up to $3 tasks in state $1 that finished before $2, oldest first from creation time $4 on (NULL: from the oldest; a
 * batch goes on from where the previous one stopped, so it does not walk the index entries of the tasks just deleted
 * again), locked for deletion; the lock re-checks the row (a task rerun or retried since is no longer in the state,
 * or finished after the cutoff). Rows: task_id, created_ms (its created_at in epoch ms; named apart, so that ORDER BY
 * created_at is the column, walked in index order, and not this output).
 */
export const pruneLock = statement(
  'prune_lock',
  (n) => `SELECT task_id, (round(extract(epoch from created_at) * 1000))::float8 AS created_ms
         FROM ${n.q}.tasks
        WHERE state = $1 AND created_at < to_timestamp($2::float8 / 1000)
          AND completed_at < to_timestamp($2::float8 / 1000)
          AND ($4::float8 IS NULL OR created_at >= to_timestamp($4::float8 / 1000)) AND parent_task_id IS NULL
        ORDER BY tasks.created_at LIMIT $3 FOR UPDATE SKIP LOCKED`,
);

/** The history rows of tasks $1 (bigint[]). Row: n. */
export const pruneTransitions = statement(
  'prune_transitions',
  (n) => `WITH d AS (DELETE FROM ${n.q}.transitions WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d`,
);

/** The annotations of tasks $1 (bigint[]). Row: n. */
export const pruneAnnotations = statement(
  'prune_annotations',
  (n) => `WITH d AS (DELETE FROM ${n.q}.annotations WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d`,
);

/**
 * The steps of tasks $1 (bigint[]) and the edges out of them (every edge of a task starts at one of its steps; by the
 * ids the step delete returns, so the edge delete is an index scan of the primary key, never a join the planner might
 * turn into a scan of every edge). Row: steps, edges.
 */
export const pruneSteps = statement(
  'prune_steps',
  (n) => `WITH s AS (DELETE FROM ${n.q}.steps WHERE task_id = ANY($1::bigint[]) RETURNING step_id),
            e AS (DELETE FROM ${n.q}.step_edges WHERE parent_step_id = ANY(ARRAY(SELECT step_id FROM s)) RETURNING 1)
       SELECT (SELECT count(*) FROM s)::integer AS steps, (SELECT count(*) FROM e)::integer AS edges`,
);

/** Tasks $1 (bigint[]). Row: n. */
export const pruneTaskRows = statement(
  'prune_task_rows',
  (n) => `WITH d AS (DELETE FROM ${n.q}.tasks WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d`,
);

/** Every sub-workflow below tasks $1 (bigint[]), with its root and state. Rows: root, task_id, state. */
export const pruneTree = statement(
  'prune_tree',
  (n) => `WITH RECURSIVE tree(root, task_id, state) AS (
         SELECT c.parent_task_id, c.task_id, c.state FROM ${n.q}.tasks c WHERE c.parent_task_id = ANY($1::bigint[])
         UNION ALL
         SELECT tree.root, c.task_id, c.state FROM ${n.q}.tasks c JOIN tree ON c.parent_task_id = tree.task_id
       )
       SELECT root, task_id, state FROM tree`,
);

/** The signals of tasks $1 (bigint[]). Row: n. */
export const pruneSignals = statement(
  'prune_signals',
  (n) => `WITH d AS (DELETE FROM ${n.q}.signals WHERE task_id = ANY($1::bigint[]) RETURNING 1)
       SELECT count(*)::integer AS n FROM d`,
);
