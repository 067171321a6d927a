// The one store conformance suite: every rule of the Store contract (src/core/store-contract.ts), registered as vitest
// blocks against any implementation. test/store/sqlite.test.ts and the PostgreSQL tests both run it.
import { describe } from 'vitest';
import { claimingTests } from './conformance/claiming.js';
import { completionTests } from './conformance/completion.js';
import { creationTests } from './conformance/creation.js';
import { dashboardReadTests } from './conformance/dashboard-reads.js';
import { flowControlTests } from './conformance/flow.js';
import { concurrencyTests } from './conformance/concurrency.js';
import { rateLimitTests } from './conformance/rate-limits.js';
import { definitionTests } from './conformance/definitions.js';
import { mapTests } from './conformance/map.js';
import { operatorTests } from './conformance/operator.js';
import { readTests } from './conformance/reads.js';
import { recoveryTests } from './conformance/recovery.js';
import { planningTests } from './conformance/planning.js';
import { rerunTests } from './conformance/rerun.js';
import { retentionTests } from './conformance/retention.js';
import { workerTests } from './conformance/workers.js';
import { traceContextTests } from './conformance/trace-context.js';
import { scheduleTests } from './conformance/schedules.js';
import type { MakeStore } from './conformance/fixtures.js';

export type { MakeStore } from './conformance/fixtures.js';

export function storeConformanceSuite(label: string, makeStore: MakeStore): void {
  describe(`store conformance: ${label}`, () => {
    creationTests(makeStore);
    claimingTests(makeStore);
    completionTests(makeStore);
    recoveryTests(makeStore);
    operatorTests(makeStore);
    readTests(makeStore);
    dashboardReadTests(makeStore);
    workerTests(makeStore);
    planningTests(makeStore);
    rerunTests(makeStore);
    retentionTests(makeStore);
    traceContextTests(makeStore);
    flowControlTests(makeStore);
    scheduleTests(makeStore);
    concurrencyTests(makeStore);
    rateLimitTests(makeStore);
    definitionTests(makeStore);
    mapTests(makeStore);
  });
}
