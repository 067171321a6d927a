// Finds template files (directories searched recursively for *.yaml / *.yml), parses and validates each one, and
// returns the valid templates plus every problem found. Templates with problems are never returned.
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { templateKey, type TaskTemplate, type TemplateSource } from './model.js';
import { validateTemplate } from './template-validator.js';
import type { ValidationIssue } from './validation-issue.js';
import { parseYaml } from './yaml-source.js';

export const DEFAULT_TEMPLATE_DIR = 'config/tasker/tasks';

export interface LoadedTemplate {
  template: TaskTemplate;
  source: TemplateSource;
}

export interface LoadResult {
  templates: LoadedTemplate[];
  issues: ValidationIssue[];
}

export interface ParseTemplateOptions {
  /** Environment whose overrides are merged; defaults to TASKER_ENV, then NODE_ENV. */
  env?: string;
}

export interface LoadTemplatesOptions extends ParseTemplateOptions {
  /** Base for relative paths; defaults to process.cwd(). */
  cwd?: string;
}

const YAML_FILE = /\.ya?ml$/i;

/** Parse and validate the template document(s) in one YAML text. */
export function parseTemplateText(text: string, file?: string, opts: ParseTemplateOptions = {}): LoadResult {
  const parsed = parseYaml(text, file);
  const result: LoadResult = { templates: [], issues: [...parsed.issues] };
  if (parsed.documents.length === 0 && parsed.issues.length === 0) {
    result.issues.push({
      code: 'no_templates',
      message: 'file contains no template',
      ...(file !== undefined ? { file } : {}),
    });
  }
  for (const doc of parsed.documents) {
    const v = validateTemplate(doc.value, {
      locate: doc.locate,
      ...(file !== undefined ? { file } : {}),
      ...(opts.env !== undefined ? { env: opts.env } : {}),
    });
    result.issues.push(...v.issues);
    if (v.template === undefined) continue;
    const source: TemplateSource = {};
    if (file !== undefined) source.file = file;
    if (v.environment !== undefined) source.environment = v.environment;
    if (v.stepPositions !== undefined) source.stepPositions = v.stepPositions;
    result.templates.push({ template: v.template, source });
  }
  return result;
}

async function yamlFilesUnder(dir: string, shown: string): Promise<Array<{ abs: string; shown: string }>> {
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: Array<{ abs: string; shown: string }> = [];
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    const rel = path.join(shown, e.name);
    if (e.isDirectory()) out.push(...(await yamlFilesUnder(abs, rel)));
    else if (e.isFile() && YAML_FILE.test(e.name)) out.push({ abs, shown: rel });
  }
  return out;
}

/** The files named by `paths` (files as given, directories searched), or an issue for each path that is missing. */
async function collectFiles(
  paths: string[],
  cwd: string,
  issues: ValidationIssue[],
): Promise<Array<{ abs: string; shown: string }>> {
  const files: Array<{ abs: string; shown: string }> = [];
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let info;
    try {
      info = await stat(abs);
    } catch {
      issues.push({ code: 'path_not_found', message: `no such file or directory: ${given}`, file: given });
      continue;
    }
    if (info.isDirectory()) {
      const found = await yamlFilesUnder(abs, given);
      if (found.length === 0)
        issues.push({ code: 'no_templates', message: `no *.yaml or *.yml files under ${given}`, file: given });
      files.push(...found);
    } else {
      files.push({ abs, shown: given });
    }
  }
  const seen = new Set<string>();
  return files.filter((f) => (seen.has(f.abs) ? false : (seen.add(f.abs), true)));
}

/**
 * Load every template under `paths` (default `config/tasker/tasks`). Two files defining the same
 * namespace/name@version differently is an issue; the later one is dropped.
 */
export async function loadTemplates(paths?: string[], opts: LoadTemplatesOptions = {}): Promise<LoadResult> {
  const cwd = opts.cwd ?? process.cwd();
  const issues: ValidationIssue[] = [];
  const files = await collectFiles(
    paths !== undefined && paths.length > 0 ? paths : [DEFAULT_TEMPLATE_DIR],
    cwd,
    issues,
  );
  const templates: LoadedTemplate[] = [];
  const byKey = new Map<string, LoadedTemplate>();
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f.abs, 'utf8');
    } catch (err) {
      issues.push({ code: 'read_error', message: `cannot read file: ${(err as Error).message}`, file: f.shown });
      continue;
    }
    const result = parseTemplateText(text, f.shown, opts.env !== undefined ? { env: opts.env } : {});
    issues.push(...result.issues);
    for (const loaded of result.templates) {
      const key = templateKey(loaded.template);
      const earlier = byKey.get(key);
      if (earlier === undefined) {
        byKey.set(key, loaded);
        templates.push(loaded);
      } else if (!isDeepStrictEqual(earlier.template, loaded.template)) {
        issues.push({
          code: 'template_conflict',
          message: `${key} is already defined differently in ${earlier.source.file ?? 'another file'}`,
          file: f.shown,
          template: `${loaded.template.namespace_name}/${loaded.template.name}`,
        });
      }
    }
  }
  return { templates, issues };
}
