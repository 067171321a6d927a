// Concurrency limits (the functions of migration 10 do the work: admit_tasks_v1, admit_steps_v1, settle_gates_v1,
// reconcile_gates_v1; creation calls them through create-task.ts): the read of every slot group.
import { statement } from './statement.js';

/** Every slot group with its queued tasks and steps. Rows: group_key, max_running, running, waiting. */
export const listGroups = statement(
  'list_groups',
  (n) => `SELECT g.group_key, g.max_running, g.running,
              (SELECT count(*) FROM ${n.q}.tasks t WHERE t.gate_key = g.group_key AND t.gate = 1)
              + (SELECT count(*) FROM ${n.q}.steps s WHERE s.gate_key = g.group_key AND s.gate = 1) AS waiting
         FROM ${n.q}.concurrency_groups g ORDER BY g.group_key`,
);
