// Rate limits in the engine: the limits registered templates declare, handed to the store (`declareRateLimits`) when
// the engine starts and whenever a template is registered after that (the store keeps them, so every process sees
// them; an operator's limit is never overwritten by a template's), the bucket key of each new rate-limited step (from
// the task's context, like concurrency keys: a request lacking a key field is refused at submission), and the
// operator's `setRateLimit` input (a period in ms or as a duration such as '1m').
import type { DeclaredRateLimit, RateLimitInfo, Store } from '../core/store-contract.js';
import type { TaskTemplate } from '../definition/model.js';
import type { RateLimitInput } from '../definition/define-task.js';
import { readRateLimitInput } from '../definition/rate-limit-input.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import type { Logger } from '../telemetry/logger.js';
import { keyValues } from './concurrency-keys.js';

/** Each step's bucket key (`name`, or `name:` + the key values as JSON), by step name, for a task of `template`. */
export function rateKeys(template: TaskTemplate, context: unknown): Map<string, string> {
  const out = new Map<string, string>();
  const base = `${template.namespace_name}/${template.name}`;
  for (const st of template.step_templates) {
    const use = st.rate_limit;
    if (!use) continue;
    const what = `step ${base}/${st.name}`;
    out.set(st.name, use.key ? `${use.name}:${keyValues(use.key, context, what, 'rate limit key')}` : use.name);
  }
  return out;
}

/** The limits a template set declares, one per name (a later registration's declaration wins). */
function declared(templates: TemplateRegistry): DeclaredRateLimit[] {
  const byName = new Map<string, DeclaredRateLimit>();
  for (const { template } of templates.list()) {
    for (const [name, spec] of Object.entries(template.rate_limits ?? {})) {
      byName.set(name, { name, limit: spec.limit, period_ms: spec.period, burst: spec.burst });
    }
  }
  return [...byName.values()];
}

/** Declares the registered templates' limits to the store, once per registry revision. */
export class RateLimitDeclarer {
  private declaredRevision = -1;

  constructor(
    private readonly store: Store,
    private readonly templates: TemplateRegistry,
    private readonly logger: Logger,
  ) {}

  /** Declare what changed since the last call (nothing when the registry did not change). */
  async declare(): Promise<void> {
    const revision = this.templates.revision;
    if (revision === this.declaredRevision) return;
    const limits = declared(this.templates);
    if (limits.length) await this.store.rateLimits.declareRateLimits(limits);
    this.declaredRevision = revision;
  }

  /** declare() in the background (a template registered after start); a failure is logged, retried next time. */
  declareSoon(): void {
    this.declare().catch((err: unknown) =>
      this.logger.warn({ err }, 'could not record the rate limits of the registered templates; will retry'),
    );
  }
}

/** Set a limit by hand (it overrides templates); the input read with a template's rules, naming each bad field. */
export async function setRateLimit(
  store: Store,
  name: string,
  input: RateLimitInput,
  actor: string,
): Promise<RateLimitInfo> {
  const spec = readRateLimitInput(name, input);
  return store.rateLimits.setRateLimit(name, { limit: spec.limit, period_ms: spec.period, burst: spec.burst }, actor);
}
