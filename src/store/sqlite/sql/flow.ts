// Flow control on SQLite (../flow.ts): pausing and resuming a task, a template or a namespace, the paused list, and
// releasing delayed tasks whose run_at has come. A held task's ready steps keep ready_at NULL (out of the claim
// index); tasks.paused says who holds it (bit 1 its own pause, bit 2 its template's or namespace's). The pause that
// holds new tasks is read at creation (create-task.ts, pausedFor); holding steps is transaction.ts, holdSteps.

/** Task ? with its flow-control columns at now (first ?). Row: task_id, state, paused, namespace, name, started, delayed. */
export const taskFlow = `
    SELECT task_id, state, paused, namespace, name, started_at IS NOT NULL AS started,
           coalesce(run_at > ?, 0) AS delayed
      FROM tasks WHERE task_id = ?`;

/** Task (third) gets pause bits (first) and waiting_for (second, or NULL). */
export const setTaskFlow = 'UPDATE tasks SET paused = ?, waiting_for = ? WHERE task_id = ?';

/**
 * Make the held ready steps of task (second) claimable at now (first): pending ones with no unmet parent and retrying
 * ones, whose ready_at a pause cleared — but no step that needs a concurrency slot it does not hold (../gates.ts
 * admits those).
 */
export const releaseHeldSteps = `
    UPDATE steps SET ready_at = ?
     WHERE task_id = ? AND ready_at IS NULL AND ((state = 'pending' AND unmet = 0) OR state = 'retrying')
       AND (gate_key IS NULL OR gate = 2)`;

/** Pause namespace ?, template ? ('' = the whole namespace), at ?, by actor ?, for reason ?; no change when paused. */
export const insertPausedTemplate = `
    INSERT INTO paused_templates (namespace, name, paused_at, actor, reason) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (namespace, name) DO NOTHING`;

/** Resume namespace ?, template ? ('' = the whole namespace). */
export const deletePausedTemplate = 'DELETE FROM paused_templates WHERE namespace = ? AND name = ?';

/**
 * Hold the unfinished tasks of namespace ? (template ?, or all of it when '', given twice) that its pause does not
 * hold yet: pause bit 2 and waiting_for set. Rows: task_id, state (their ready steps are held by the caller).
 */
export const holdTemplateTasks = `
    UPDATE tasks SET paused = paused | 2, waiting_for = 'paused', gate = CASE WHEN gate = 1 THEN 0 ELSE gate END
     WHERE namespace = ? AND (? = '' OR name = ?) AND (state = 'pending' OR state = 'running') AND (paused & 2) = 0
    RETURNING task_id, state`;

/**
 * Release the tasks of namespace (second) and template (third and fourth, '' = all of the namespace) that pause bit 2
 * held and no remaining pause covers: bit 2 cleared; waiting_for `paused` while their own pause holds, `delay` while
 * unstarted with run_at after now (first), else NULL (the caller makes their held steps claimable).
 * Rows: task_id, state, waiting_for.
 */
export const releaseTemplateTasks = `
    UPDATE tasks SET paused = paused & 1,
           waiting_for = CASE WHEN (paused & 1) <> 0 THEN 'paused'
                              WHEN started_at IS NULL AND run_at > ? THEN 'delay' END
     WHERE namespace = ? AND (? = '' OR name = ?) AND (state = 'pending' OR state = 'running') AND (paused & 2) <> 0
       AND NOT EXISTS (SELECT 1 FROM paused_templates p
                        WHERE p.namespace = tasks.namespace AND p.name IN (tasks.name, ''))
    RETURNING task_id, state, waiting_for, gates`;

/** Every paused template and namespace. Rows: namespace, name ('' = namespace), paused_at, actor, reason. */
export const listPaused =
  'SELECT namespace, name, paused_at, actor, reason FROM paused_templates ORDER BY namespace, name';

/** Whether a delayed task has come due at now (?). Row: ok, or none. */
export const anyDue = "SELECT 1 AS ok FROM tasks WHERE waiting_for = 'delay' AND run_at <= ? LIMIT 1";

/**
 * Up to ? (second) delayed tasks due at now (first): waiting_for cleared. Rows: task_id, run_at (their first steps
 * become claimable as of it: releaseDueSteps).
 */
export const releaseDueTasks = `
    UPDATE tasks SET waiting_for = NULL
     WHERE task_id IN (SELECT task_id FROM tasks WHERE waiting_for = 'delay' AND run_at <= ? ORDER BY run_at LIMIT ?)
    RETURNING task_id, run_at, gates`;

/** The first steps of released task (second) claimable as of its run_at (first). */
export const releaseDueSteps = `
    UPDATE steps SET ready_at = ? WHERE task_id = ? AND ready_at IS NULL AND state = 'pending' AND unmet = 0`;

/** The next run_at after now (?) of a delayed task, or NULL. Row: at. */
export const nextDue = "SELECT min(run_at) AS at FROM tasks WHERE waiting_for = 'delay' AND run_at > ?";
