// Validated templates keyed by (namespace, name, version). Lookup by exact version or the latest by semver order;
// re-registering an identical template is a no-op and a conflicting one is an error.
import semver from 'semver';
import { isDeepStrictEqual } from 'node:util';
import { NotFoundError, TaskerError } from '../core/errors.js';
import { templateKey, type TaskTemplate, type TemplateSource } from './model.js';
import type { LoadedTemplate } from './template-loader.js';

const nameKey = (namespace: string, name: string): string => `${namespace}/${name}`;

export class TemplateRegistry {
  private readonly entries = new Map<string, Map<string, LoadedTemplate>>();
  /** Bumped by every registration that adds a template (callers cache what they derive from the registry). */
  revision = 0;

  register(template: TaskTemplate, source: TemplateSource = {}): void {
    const key = nameKey(template.namespace_name, template.name);
    let versions = this.entries.get(key);
    if (versions === undefined) {
      versions = new Map();
      this.entries.set(key, versions);
    }
    const existing = versions.get(template.version);
    if (existing !== undefined) {
      if (isDeepStrictEqual(existing.template, template)) return;
      const where = (s: TemplateSource): string => s.file ?? 'code';
      throw new TaskerError(
        `task template ${templateKey(template)} is already registered with a different definition ` +
          `(first from ${where(existing.source)}, now from ${where(source)})`,
        'template_conflict',
      );
    }
    versions.set(template.version, { template, source });
    this.revision += 1;
  }

  /** The exact version, or the highest by semver when `version` is omitted. */
  get(namespace: string, name: string, version?: string): TaskTemplate | undefined {
    return this.entry(namespace, name, version)?.template;
  }

  /** Like `get`, with the source; undefined when absent. */
  entry(namespace: string, name: string, version?: string): LoadedTemplate | undefined {
    const versions = this.entries.get(nameKey(namespace, name));
    if (versions === undefined) return undefined;
    if (version !== undefined) return versions.get(version);
    const latest = [...versions.keys()].sort(semver.rcompare)[0];
    return latest === undefined ? undefined : versions.get(latest);
  }

  /** Like `get`, but throws NotFoundError saying what exists instead. */
  require(namespace: string, name: string, version?: string): TaskTemplate {
    const found = this.get(namespace, name, version);
    if (found !== undefined) return found;
    const asked = `${namespace}/${name}${version !== undefined ? `@${version}` : ''}`;
    const versions = this.versions(namespace, name);
    if (versions.length > 0) {
      throw new NotFoundError(`no task template ${asked}; available versions: ${versions.join(', ')}`, {
        asked,
        versions,
      });
    }
    const known = this.list().map((l) => templateKey(l.template));
    const hint = known.length > 0 ? `known templates: ${known.join(', ')}` : 'no templates are registered';
    throw new NotFoundError(`no task template ${asked}; ${hint}`, { asked, known });
  }

  has(namespace: string, name: string, version?: string): boolean {
    return this.get(namespace, name, version) !== undefined;
  }

  /** Every registered template, ordered by namespace, name, then version (semver ascending). */
  list(): LoadedTemplate[] {
    return [...this.entries.keys()].sort().flatMap((key) => {
      const versions = this.entries.get(key) as Map<string, LoadedTemplate>;
      return [...versions.keys()].sort(semver.compare).map((v) => versions.get(v) as LoadedTemplate);
    });
  }

  namespaces(): string[] {
    return [...new Set(this.list().map((l) => l.template.namespace_name))].sort();
  }

  /** Versions of one template, ascending by semver; empty when unknown. */
  versions(namespace: string, name: string): string[] {
    const versions = this.entries.get(nameKey(namespace, name));
    return versions === undefined ? [] : [...versions.keys()].sort(semver.compare);
  }
}
