-- 15: lean writes: tasks fillfactor 50 (HOT starts)

-- statement 1 of 1
ALTER TABLE "tasker".tasks SET (fillfactor = 50);
