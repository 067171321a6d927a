// The store-level request of a one-step task, for the micro-benchmarks that drive a store directly (no engine, no
// template): `bench/<name>@1.0.0` with one step `<step>` of handler H, and a correlation id per task.
import type { NewTask, Store } from '../../src/core/store-contract.js';

export function oneStepTask(i: number, name = 'flat', step = 'a'): NewTask {
  return {
    namespace: 'bench',
    name,
    version: '1.0.0',
    context: { i },
    initiator: null,
    source_system: null,
    reason: null,
    tags: [],
    idempotency_key: null,
    correlation_id: `c${i}`,
    steps: [
      {
        name: step,
        handler_class: 'H',
        depends_on: [],
        retry_limit: 3,
        retryable: true,
        timeout_ms: null,
        skippable: false,
        initial_state: 'pending',
      },
    ],
  };
}

/** Create `n` one-step tasks, 500 per createTasks call. */
export async function createOneStepTasks(store: Store, n: number, name?: string, step?: string): Promise<void> {
  for (let i = 0; i < n; i += 500)
    await store.createTasks(Array.from({ length: Math.min(500, n - i) }, (_, j) => oneStepTask(i + j, name, step)));
}
