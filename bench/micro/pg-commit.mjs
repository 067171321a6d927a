// The floor under every PostgreSQL latency figure: how long one round trip and one durable commit take from Node on
// this machine right now. Times N sequential `SELECT 1` round trips and N single-row INSERT transactions (each its
// own commit, waiting for the WAL flush) on one connection, and prints the mean of each in ms. Run it beside a
// benchmark: on this VM the commit moves between about 0.2 and 1.6 ms from hour to hour.
//   node bench/micro/pg-commit.mjs [N=500]     (TASKER_TEST_PG_URL or postgres://postgres@127.0.0.1:5432/test)
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const pg = createRequire(import.meta.url)('pg');
const n = Number(process.argv[2] ?? 500);
const client = new pg.Client({
  connectionString: process.env.TASKER_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
});
await client.connect();
await client.query('CREATE TABLE IF NOT EXISTS public.bench_pg_commit (a integer)');
const mean = async (name, text) => {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await client.query({ name, text });
  return +((performance.now() - t0) / n).toFixed(3);
};
const roundTripMs = await mean('bench_select_1', 'SELECT 1');
const commitMs = await mean('bench_insert_commit', 'INSERT INTO public.bench_pg_commit VALUES (1)');
await client.query('DROP TABLE public.bench_pg_commit');
await client.end();
console.log(JSON.stringify({ n, roundTripMs, commitMs }));
