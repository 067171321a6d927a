// Template versions in the engine: the registered templates' definitions saved to the store (at open and start,
// before any task is created, and when a template is registered later), so a task runs to its end on the definition
// it started with; a registered template that differs from the stored definition of its version is refused
// (TemplateRedefinedError, every such template listed) unless `allowRedefine` (SQLite only) replaces the stored one.
// It also keeps this process's copy of every stored definition (read at start, refreshed every minute while steps
// run): the "pinned" set the catalog runs tasks from when their template is not registered here. Pinned
// definitions never serve new submissions.
import type { Store, StoredDefinition, TemplateDefinition } from '../core/store-contract.js';
import { templateKey, type TaskTemplate } from '../definition/model.js';
import type { LoadedTemplate } from '../definition/template-loader.js';
import type { TemplateRegistry } from '../definition/template-registry.js';
import { templateFingerprint } from '../definition/template-fingerprint.js';
import { redefinitionIssue, TemplateRedefinedError } from '../definition/template-redefinition.js';
import type { ValidationIssue } from '../definition/validation-issue.js';
import type { Logger } from '../telemetry/logger.js';

/** How often a process that runs steps reads the stored definitions again (another process may store new ones). */
export const DEFINITIONS_REFRESH_MS = 60_000;

/** What the catalog reads of the pinned set (on the hot path: no I/O). */
export interface PinnedDefinitions {
  /** Bumped whenever the set changes (the catalog's capability cache compares it). */
  readonly revision: number;
  get(namespace: string, name: string, version: string): TaskTemplate | undefined;
  list(): readonly TaskTemplate[];
}

/** A template as the store keeps it: key, fingerprint, and the model as plain JSON. */
export function templateDefinition(template: TaskTemplate): TemplateDefinition {
  return {
    namespace: template.namespace_name,
    name: template.name,
    version: template.version,
    fingerprint: templateFingerprint(template),
    definition: JSON.parse(JSON.stringify(template)) as unknown,
  };
}

/** A stored definition as a template (its fields were validated when it was first registered). */
function asTemplate(d: StoredDefinition): TaskTemplate | null {
  const t = d.definition as Partial<TaskTemplate> | null;
  return t && typeof t === 'object' && Array.isArray(t.step_templates) ? (t as TaskTemplate) : null;
}

const keyOf = (namespace: string, name: string, version: string): string => `${namespace}/${name}@${version}`;

/** A loaded template whose definition differs from the one the store holds for its version, and the issue saying so. */
export interface RedefinedTemplate {
  loaded: LoadedTemplate;
  issue: ValidationIssue;
}

/**
 * The templates of `loaded` whose definition differs from the one the store holds for their version (`tasker
 * validate --db`, and the CLI's check before it registers templates). Stores nothing.
 */
export async function redefinedTemplates(
  store: Store,
  loaded: readonly LoadedTemplate[],
): Promise<RedefinedTemplate[]> {
  if (loaded.length === 0) return [];
  const stored = new Map(
    (await store.definitions.listDefinitions()).map((d) => [keyOf(d.namespace, d.name, d.version), d]),
  );
  return loaded.flatMap((l) => {
    const found = stored.get(templateKey(l.template));
    if (!found || found.fingerprint === templateFingerprint(l.template)) return [];
    return [{ loaded: l, issue: redefinitionIssue(l.template, l.source, found) }];
  });
}

export class TemplateDefinitions implements PinnedDefinitions {
  revision = 0;
  /** Every stored definition this process knows of, by key, with its template (kept while its fingerprint is). */
  private readonly stored = new Map<string, { def: StoredDefinition; template: TaskTemplate | null }>();
  private pinnedList: TaskTemplate[] = [];
  private savedRevision = -1;
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly templates: TemplateRegistry,
    private readonly logger: Logger,
    private readonly allowRedefine: boolean,
  ) {}

  get(namespace: string, name: string, version: string): TaskTemplate | undefined {
    return this.stored.get(keyOf(namespace, name, version))?.template ?? undefined;
  }

  list(): readonly TaskTemplate[] {
    return this.pinnedList;
  }

  /**
   * Refuse, before it is registered, a template that differs from the stored definition of its version as this
   * process last read it (`registerTemplate` is synchronous; the store has the last word when it is saved).
   */
  checkRegistration(template: TaskTemplate, file?: string): void {
    if (this.allowRedefine) return;
    const found = this.stored.get(templateKey(template));
    if (found && found.def.fingerprint !== templateFingerprint(template))
      throw new TemplateRedefinedError([redefinitionIssue(template, file ? { file } : {}, found.def)]);
  }

  /**
   * Save the registered templates' definitions (nothing to do when none was registered since the last save): the
   * engine awaits it at open and start and before creating tasks. TemplateRedefinedError lists every registered
   * template whose stored definition differs; it stays unsaved, so every later call refuses again.
   */
  save(): Promise<void> {
    if (this.templates.revision === this.savedRevision) return Promise.resolve();
    const run = this.queue.then(() => this.saveNow());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** save() in the background (a template registered after start); a failure is logged, and refused again later. */
  saveSoon(): void {
    this.save().catch((err: unknown) =>
      this.logger.error({ err }, 'could not store the definitions of the registered templates'),
    );
  }

  private async saveNow(): Promise<void> {
    const revision = this.templates.revision;
    if (revision === this.savedRevision) return;
    const loaded = this.templates.list();
    if (loaded.length === 0) {
      this.savedRevision = revision;
      return;
    }
    const results = await this.store.definitions.saveDefinitions(
      loaded.map((l) => templateDefinition(l.template)),
      this.allowRedefine ? { allowRedefine: true } : {},
    );
    const issues: ValidationIssue[] = [];
    results.forEach((r, i) => {
      const l = loaded[i]!;
      if (r.status === 'conflict') issues.push(redefinitionIssue(l.template, l.source, r.stored));
      if (r.status === 'replaced')
        this.logger.warn(
          { template: templateKey(l.template) },
          'template definition replaced in the store (allowRedefine): its running tasks continue on the new one',
        );
      this.remember([r.stored]);
    });
    if (issues.length) throw new TemplateRedefinedError(issues);
    this.savedRevision = revision;
  }

  /** Read every stored definition again (at start, then every minute while steps run). */
  async refresh(): Promise<void> {
    const all = await this.store.definitions.listDefinitions();
    this.remember(all);
  }

  /** Refresh every DEFINITIONS_REFRESH_MS until stop(); a failed read is logged and tried again next time. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.refresh().catch((err: unknown) =>
        this.logger.warn({ err }, 'could not read the stored template definitions; will retry'),
      );
    }, DEFINITIONS_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Take in stored rows; the pinned list and revision change only when a key or fingerprint does. */
  private remember(defs: readonly StoredDefinition[]): void {
    let changed = false;
    for (const def of defs) {
      const key = keyOf(def.namespace, def.name, def.version);
      const known = this.stored.get(key);
      if (known && known.def.fingerprint === def.fingerprint) continue;
      this.stored.set(key, { def, template: asTemplate(def) });
      changed = true;
    }
    if (!changed) return;
    this.pinnedList = [...this.stored.values()].flatMap((e) => (e.template ? [e.template] : []));
    this.revision += 1;
  }
}
