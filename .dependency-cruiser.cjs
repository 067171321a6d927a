// The layering of src/, enforced by `npm run lint` (depcruise): every import points down, and nothing imports in a
// circle. Lower layers may be used by any higher one:
//
//   cli ─▶ api ─▶ engine ─▶ definition ─┐
//                   │                    ├─▶ telemetry ─▶ core
//                   └─────▶ store ───────┘
//
// core: the shared vocabulary (states, errors, the handler-facing API, the store contract, JSON fidelity);
// telemetry: logging (and tracing); definition: what a workflow is; store: where it lives; engine: how it runs;
// api: the HTTP API and its metrics (through the Tasker facade, never a store); cli: the binary; web: the dashboard,
// which talks to the API over HTTP only.
/** Paths a layer may not import: every layer above it (and the stores for the API). */
const FORBIDDEN = {
  core: ['telemetry', 'definition', 'store', 'engine', 'api', 'cli', 'web'],
  telemetry: ['definition', 'store', 'engine', 'api', 'cli', 'web'],
  definition: ['store', 'engine', 'api', 'cli', 'web'],
  store: ['definition', 'engine', 'api', 'cli', 'web'],
  engine: ['api', 'cli', 'web'],
  api: ['store', 'cli', 'web'],
  cli: ['web'],
  web: ['core', 'telemetry', 'definition', 'store', 'engine', 'api', 'cli'],
};

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Modules import each other in a circle; move the shared part down a layer.',
      from: {},
      to: { circular: true },
    },
    ...Object.entries(FORBIDDEN).map(([layer, above]) => ({
      name: `layer-${layer}`,
      severity: 'error',
      comment: `src/${layer} may not import src/{${above.join(',')}}: arrows point down (see .dependency-cruiser.cjs)`,
      from: { path: `^src/${layer}/` },
      to: { path: `^src/(${above.join('|')})/` },
    })),
    {
      name: 'no-src-to-tests',
      severity: 'error',
      comment: 'Shipped code never imports tests, benchmarks or examples.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|examples)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
