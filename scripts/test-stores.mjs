// Which stores the tests run against: all of them, or those named in TASKER_TEST_STORES (comma-separated) for a
// quicker local loop. A name that is no store is an error, never silently dropped. test/support/stores.ts builds
// the stores from this list; scripts/run-tests.mjs checks it before running anything and names it in its summary.

/** Every store the engine tests can run against. */
export const KNOWN_STORES = Object.freeze(['sqlite', 'postgres']);

/** The stores selected by `value` (TASKER_TEST_STORES), in KNOWN_STORES order; throws on an unknown name. */
export function selectedStores(value = process.env.TASKER_TEST_STORES) {
  if (value === undefined || value.trim() === '') return [...KNOWN_STORES];
  const names = value.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !KNOWN_STORES.includes(name));
  if (unknown.length) {
    const listed = unknown.map((name) => `'${name}'`).join(', ');
    throw new Error(
      `TASKER_TEST_STORES=${value}: ${listed} ${unknown.length > 1 ? 'are not stores' : 'is not a store'}; ` +
        `name one or more of ${KNOWN_STORES.join(', ')}, comma-separated (unset: all of them)`,
    );
  }
  return KNOWN_STORES.filter((store) => names.includes(store));
}
