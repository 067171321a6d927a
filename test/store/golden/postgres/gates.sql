-- listGroups (tasker_list_groups)
SELECT g.group_key, g.max_running, g.running,
              (SELECT count(*) FROM "tasker".tasks t WHERE t.gate_key = g.group_key AND t.gate = 1)
              + (SELECT count(*) FROM "tasker".steps s WHERE s.gate_key = g.group_key AND s.gate = 1) AS waiting
         FROM "tasker".concurrency_groups g ORDER BY g.group_key;
