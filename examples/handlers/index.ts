// The examples' handlers module: maps the Ruby-style class names the seed's templates (and the flow-control examples
// of examples/flow-control/) resolve to onto the TypeScript handlers. Load it with `--handlers examples/handlers/index.ts`.
import * as dataProcessing from './data-processing.js';
import * as ecommerce from './ecommerce.js';
import * as onboarding from './onboarding.js';
import * as reports from './reports.js';

function namespaced(module: string, exports: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(exports).map(([name, value]) => [`${module}::${name}`, value]));
}

export const handlers = {
  ...namespaced('Onboarding', onboarding),
  ...namespaced('DataProcessing', dataProcessing),
  ...namespaced('Ecommerce', ecommerce),
  ...namespaced('Reports', reports),
};
