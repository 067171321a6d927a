-- 17: completion function v7: key-only plans (enable_seqscan off)

-- statement 1 of 1
ALTER FUNCTION "tasker".complete_steps_v7(bigint[], bigint[], integer[], text[], jsonb[], jsonb[], float8[], integer[],
     text, bigint[], text[], bigint[], integer[], integer[], integer, integer, text[], text[])
   SET enable_seqscan = off;
