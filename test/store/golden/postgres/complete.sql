-- completeSteps (tasker_complete_steps)
SELECT "tasker".complete_steps_v7(
    $1::bigint[], $2::bigint[], $3::integer[], $4::text[], $5::jsonb[], $6::jsonb[], $7::float8[], $8::integer[],
    $9::text,
    $10::bigint[], $11::text[], $12::bigint[], $13::integer[], $14::integer[],
    $15::integer, $16::integer, $17::text[], $18::text[]) AS r;
