// Fuzzing on both stores: a seeded PRNG throws random and mutated bodies, content types, ids and query strings at
// POST /tasks, the operator routes, DELETE and the list route, and asserts no answer is a 5xx, every error uses the
// envelope, and tasks are created exactly for the 201 answers. Set TASKER_FUZZ_SEED to replay a run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS, type TestDb } from '../support/stores.js';
import { API_TEMPLATES, Controls, apiHandlers } from './support/workflows.js';
import { call, startApi, taskCount, type Answer, type ApiHarness } from './support/api.js';

const SEED = Number(process.env.TASKER_FUZZ_SEED ?? 20_240_611);
const ROUNDS = 300;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const FIELDS = [
  'name',
  'namespace',
  'version',
  'context',
  'initiator',
  'source_system',
  'reason',
  'tags',
  'idempotency_key',
  'bypass_steps',
];
const STRINGS = [
  '',
  ' ',
  'checkout',
  'api',
  '1.0.0',
  '2.0.0',
  'ü',
  '\u0000',
  '\ud800',
  '💥',
  '../../etc/passwd',
  "'; DROP TABLE tasks; --",
  'x'.repeat(300),
  '__proto__',
  'constructor',
  '{}',
  'null',
];

function randomString(r: Rng): string {
  if (r.next() < 0.6) return r.pick(STRINGS);
  const len = r.int(40);
  let s = '';
  for (let i = 0; i < len; i++) s += String.fromCharCode(r.int(r.next() < 0.9 ? 128 : 0xffff));
  return s;
}

function randomValue(r: Rng, depth = 0): unknown {
  const kind = r.int(depth > 3 ? 6 : 8);
  switch (kind) {
    case 0:
      return null;
    case 1:
      return r.next() < 0.5;
    case 2:
      return r.pick([0, -1, 1, 1.5, 2 ** 53, -(2 ** 63), 1e308, Number.MAX_SAFE_INTEGER, r.int(1000)]);
    case 3:
    case 4:
      return randomString(r);
    case 5:
      return r.next() < 0.5 ? {} : [];
    case 6:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [
          r.next() < 0.5 ? r.pick(FIELDS) : randomString(r),
          randomValue(r, depth + 1),
        ]),
      );
  }
}

function validBody(r: Rng): Record<string, unknown> {
  return r.pick([
    { namespace: 'api', name: 'checkout', context: { order_id: 1 + r.int(100) } },
    { namespace: 'api', name: 'fanout', context: {} },
    { namespace: 'ops', name: 'flaky', tags: ['a'], idempotency_key: `k${r.int(20)}` },
    { namespace: 'api', name: 'checkout', version: '1.0.0', context: { order_id: 5 }, bypass_steps: ['ship'] },
  ]);
}

function mutate(r: Rng, body: Record<string, unknown>): unknown {
  const out: Record<string, unknown> = structuredClone(body);
  for (let n = 1 + r.int(3); n > 0; n--) {
    const op = r.int(5);
    const key = r.pick(FIELDS);
    if (op === 0) delete out[key];
    else if (op === 1) out[key] = randomValue(r);
    else if (op === 2) out[randomString(r)] = randomValue(r);
    else if (op === 3 && typeof out.context === 'object' && out.context)
      (out.context as Record<string, unknown>)[randomString(r)] = randomValue(r);
    else out[key] = randomString(r);
  }
  return out;
}

/** A request body as sent: JSON of a random or mutated value, broken JSON, or junk, with a content type. */
function randomPayload(
  r: Rng,
  base: () => Record<string, unknown>,
): { raw?: string; body?: unknown; contentType?: string } {
  const roll = r.next();
  if (roll < 0.35) return { body: mutate(r, base()) };
  if (roll < 0.55) return { body: randomValue(r) };
  if (roll < 0.65) return { body: base() };
  const text = JSON.stringify(mutate(r, base()));
  if (roll < 0.8) {
    const at = r.int(text.length + 1);
    const broken =
      r.next() < 0.5
        ? text.slice(0, at)
        : `${text.slice(0, at)}${r.pick(['"', '{', ']', ',', '\\', '\u0000'])}${text.slice(at)}`;
    return { raw: broken, contentType: 'application/json' };
  }
  if (roll < 0.9)
    return {
      raw: text,
      contentType: r.pick([
        'text/plain',
        'application/xml',
        'application/json; charset=latin1',
        'application/jsonx',
        '*/*',
        'application/x-www-form-urlencoded',
      ]),
    };
  return { raw: randomString(r), contentType: 'application/json' };
}

/** encodeURIComponent, with lone surrogates (which it refuses) replaced. */
const enc = (s: string): string =>
  encodeURIComponent(s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

function randomId(r: Rng, real: number[]): string {
  return r.next() < 0.5
    ? String(r.pick(real))
    : r.pick(['0', '-1', 'abc', '1.0', '9'.repeat(30), '%00', '%2e%2e', String(r.int(1_000_000)), '1%20', 'null', '']);
}

describe.each(STORE_KINDS)(`fuzzing the API on $kind (seed ${SEED})`, ({ make }) => {
  let db: TestDb;
  let api: ApiHarness;
  const taskIds: number[] = [];
  const stepIds: number[] = [];
  const controls = new Controls();

  beforeAll(async () => {
    db = make();
    api = await startApi(db, { templates: API_TEMPLATES, handlers: apiHandlers(controls) });
    for (const body of [
      { namespace: 'api', name: 'checkout', context: { order_id: 1, fail_steps: ['charge'] } },
      { namespace: 'api', name: 'checkout', context: { order_id: 2 } },
      { namespace: 'api', name: 'fanout', context: { fail_steps: ['left'] } },
      { namespace: 'api', name: 'checkout', context: { order_id: 3, hold: true } },
    ]) {
      const res = await call(api.base, 'POST', '/tasks', { body });
      taskIds.push(res.json.task_id);
      stepIds.push(...res.json.workflow_steps.map((s: { workflow_step_id: number }) => s.workflow_step_id));
    }
  });
  afterAll(async () => {
    for (const id of taskIds) controls.release(id);
    await api?.close();
    await db?.cleanup();
  });

  it(`answers ${ROUNDS} random requests without a 5xx, creating tasks only for 201s`, async () => {
    const r = prng(SEED);
    const before = await taskCount(api.tasker);
    let created = 0;
    const statuses = new Map<number, number>();
    for (let round = 0; round < ROUNDS; round++) {
      const target = r.int(10);
      let method = 'POST';
      let path = '/tasks';
      let payload: ReturnType<typeof randomPayload> = {};
      if (target < 4) {
        payload = randomPayload(r, () => validBody(r));
      } else if (target < 8) {
        const action = r.pick(['retry', 'resolve', 'skip']);
        path =
          r.next() < 0.2
            ? `/tasks/${randomId(r, taskIds)}/retry`
            : `/tasks/${randomId(r, taskIds)}/workflow_steps/${randomId(r, stepIds)}/${action}`;
        payload =
          r.next() < 0.2
            ? {}
            : randomPayload(r, () =>
                action === 'resolve' ? { results: randomValue(r), reason: 'fuzz' } : { reason: 'fuzz' },
              );
      } else if (target < 9) {
        method = 'DELETE';
        path = `/tasks/${randomId(r, taskIds)}${r.next() < 0.3 ? `?reason=${enc(randomString(r))}` : ''}`;
      } else {
        method = 'GET';
        const keys = ['limit', 'cursor', 'sort', 'order', 'state', 'namespace', 'created_after', randomString(r)];
        const query = Array.from(
          { length: r.int(4) },
          () => `${enc(r.pick(keys))}=${enc(String(randomValue(r)))}`,
        ).join('&');
        path = `/tasks?${query}`;
      }
      const headers: Record<string, string> =
        r.next() < 0.1 ? { 'x-tasker-actor': r.pick(['ops', 'a b', 'x'.repeat(120), '']) } : {};
      let res: Answer;
      try {
        res = await call(api.base, method, path, { ...payload, headers });
      } catch (err) {
        throw new Error(`seed ${SEED} round ${round}: ${method} ${path} could not be sent: ${(err as Error).message}`, {
          cause: err,
        });
      }
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const what = `seed ${SEED} round ${round}: ${method} ${path} ${JSON.stringify(payload).slice(0, 300)} -> ${res.status} ${res.text.slice(0, 300)}`;
      expect(res.status, what).toBeLessThan(500);
      if (res.status >= 400) {
        expect(res.json?.error?.code, what).toBeTypeOf('string');
        expect(res.json?.error?.message, what).toBeTypeOf('string');
      }
      if (method === 'POST' && path === '/tasks' && res.status === 201) {
        created++;
        taskIds.push(res.json.task_id);
      }
    }
    expect(await taskCount(api.tasker)).toBe(before + created);
    // The run exercised both acceptance and rejection.
    expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    expect([...statuses.entries()].filter(([s]) => s >= 400).reduce((a, [, n]) => a + n, 0)).toBeGreaterThan(
      ROUNDS / 2,
    );
  });
});
