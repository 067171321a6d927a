// pruneTasks on SQLite (../prune.ts): the count of a dry run, the oldest eligible tasks of a state, and the deletes of
// one batch, children first. Named parameters: @state, @cutoff (epoch ms: tasks that finished before it), @limit;
// @ids is a JSON array of task ids.
//
// Finding candidates without a new index: tasks_state_idx is (state, task_id) and ids grow with created_at (one
// writer at a time, each stamping its transaction's clock), so every task that finished before the cutoff — created
// before it — has an id at most that of the newest task created before the cutoff, found by one seek on
// tasks_created_idx. The walk of tasks_state_idx stops there instead of reading every newer task of the state.

/** Tasks in @state that finished before @cutoff, and their steps. Row: tasks, steps. */
export const pruneCount = `
    SELECT COUNT(*) AS tasks, coalesce(SUM(step_count), 0) AS steps FROM tasks
     WHERE state = @state AND completed_at < @cutoff AND parent_task_id IS NULL
       AND task_id <= coalesce((SELECT task_id FROM tasks WHERE created_at < @cutoff
                                 ORDER BY created_at DESC, task_id DESC LIMIT 1), 0)`;

/**
 * Up to @limit tasks in @state that finished before @cutoff, oldest first, with an id above @after (0 from the start:
 * a batch goes on from where the previous one stopped). Rows: task_id.
 */
export const pruneCandidates = `
    SELECT task_id FROM tasks
     WHERE state = @state AND completed_at < @cutoff AND task_id > @after AND parent_task_id IS NULL
       AND task_id <= coalesce((SELECT task_id FROM tasks WHERE created_at < @cutoff
                                 ORDER BY created_at DESC, task_id DESC LIMIT 1), 0)
     ORDER BY task_id LIMIT @limit`;

/** The edges out of the steps of tasks @ids (every edge of a task starts at one of its steps). */
export const pruneEdges = `DELETE FROM step_edges WHERE parent_step_id IN
      (SELECT step_id FROM steps WHERE task_id IN (SELECT value FROM json_each(@ids)))`;

/** The history rows of tasks @ids. */
export const pruneTransitions = 'DELETE FROM transitions WHERE task_id IN (SELECT value FROM json_each(@ids))';

/** The annotations of tasks @ids. */
export const pruneAnnotations = 'DELETE FROM annotations WHERE task_id IN (SELECT value FROM json_each(@ids))';

/** The steps of tasks @ids. */
export const pruneSteps = 'DELETE FROM steps WHERE task_id IN (SELECT value FROM json_each(@ids))';

/** Tasks @ids. */
export const pruneTaskRows = 'DELETE FROM tasks WHERE task_id IN (SELECT value FROM json_each(@ids))';

/** Every sub-workflow below tasks @ids, with its root and state. Rows: root, task_id, state. */
export const pruneTree = `
    WITH RECURSIVE tree(root, task_id, state) AS (
      SELECT c.parent_task_id, c.task_id, c.state FROM tasks c
       WHERE c.parent_task_id IN (SELECT value FROM json_each(@ids))
      UNION ALL
      SELECT tree.root, c.task_id, c.state FROM tasks c JOIN tree ON c.parent_task_id = tree.task_id
    )
    SELECT root, task_id, state FROM tree`;

/** The signals of tasks @ids. */
export const pruneSignals = 'DELETE FROM signals WHERE task_id IN (SELECT value FROM json_each(@ids))';
