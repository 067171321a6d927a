// Shared CLI handling of `--templates`, `--handlers` and `--env`: flag definitions, template references, and
// loading templates and handlers into registries with every problem collected (validate, graph, run, worker, serve).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { loadHandlerModule, type HandlerModule } from '../definition/handler-module.js';
import { HandlerRegistry, checkHandlers } from '../definition/handler-registry.js';
import { checkSubtaskCycles } from '../definition/subtask-cycles.js';
import { DEFAULT_TEMPLATE_DIR, loadTemplates } from '../definition/template-loader.js';
import { TemplateRegistry } from '../definition/template-registry.js';
import type { ValidationIssue } from '../definition/validation-issue.js';
import { isTaskerError } from '../core/errors.js';
import { UsageError } from './cli-errors.js';

export interface TemplateOptionFlags {
  /** Template files or directories; default `config/tasker/tasks` when it exists. */
  templates?: string[];
  /** A handlers module; when given, every step's handler must resolve. */
  handlers?: string;
  /** How long the handlers module may take to load (default 30 s). */
  handlersTimeoutMs?: number;
  env?: string;
  cwd?: string;
}

export interface LoadedTemplateOptions {
  templates: TemplateRegistry;
  handlers: HandlerRegistry;
  handlerModule: HandlerModule | null;
  /** Template problems, plus missing handlers when a handlers module was given. */
  issues: ValidationIssue[];
}

export function addTemplateOptions(cmd: Command, { handlers = true }: { handlers?: boolean } = {}): Command {
  cmd.option('--templates <paths...>', `template files or directories (default: ${DEFAULT_TEMPLATE_DIR})`);
  if (handlers)
    cmd.option('--handlers <module>', 'handlers module (.js/.mjs/.ts) exporting handler classes or functions');
  return cmd.option('--env <name>', 'environment whose overrides apply (default: $TASKER_ENV, then $NODE_ENV)');
}

/** The template paths to load: as given, else the default directory when it exists, else none. */
export function templatePathsFrom(flags: TemplateOptionFlags): string[] {
  if (flags.templates !== undefined && flags.templates.length > 0) return flags.templates;
  const cwd = flags.cwd ?? process.cwd();
  return existsSync(path.resolve(cwd, DEFAULT_TEMPLATE_DIR)) ? [DEFAULT_TEMPLATE_DIR] : [];
}

/** Load templates and (optionally) a handlers module into fresh registries. A bad handlers module is a usage error. */
export async function loadTemplateOptions(flags: TemplateOptionFlags): Promise<LoadedTemplateOptions> {
  const templates = new TemplateRegistry();
  const handlers = new HandlerRegistry();
  const issues: ValidationIssue[] = [];
  const paths = templatePathsFrom(flags);
  if (paths.length > 0) {
    const loaded = await loadTemplates(paths, {
      ...(flags.env !== undefined ? { env: flags.env } : {}),
      ...(flags.cwd !== undefined ? { cwd: flags.cwd } : {}),
    });
    issues.push(...loaded.issues);
    for (const l of loaded.templates) {
      try {
        templates.register(l.template, l.source);
      } catch (err) {
        if (!isTaskerError(err)) throw err;
        issues.push({
          code: err.code,
          message: err.message,
          ...(l.source.file !== undefined ? { file: l.source.file } : {}),
        });
      }
    }
  }
  let handlerModule: HandlerModule | null = null;
  if (flags.handlers !== undefined) {
    try {
      const file = flags.cwd === undefined ? flags.handlers : path.resolve(flags.cwd, flags.handlers); // as typed, in messages
      handlerModule = await loadHandlerModule(
        file,
        flags.handlersTimeoutMs !== undefined ? { timeoutMs: flags.handlersTimeoutMs } : {},
      );
      handlers.registerAll(handlerModule.handlers);
    } catch (err) {
      if (isTaskerError(err) && err.code !== 'handlers_timeout') throw new UsageError(err.message);
      throw err;
    }
    for (const l of templates.list()) issues.push(...checkHandlers(l.template, handlers, l.source));
  }
  issues.push(...checkSubtaskCycles(templates.list()));
  return { templates, handlers, handlerModule, issues };
}

export interface TemplateRef {
  namespace: string;
  name: string;
  version?: string;
}

/** `namespace/name[@version]`; anything else is a usage error with an example. */
export function parseTemplateRef(ref: string): TemplateRef {
  const m = /^([^/@\s]+)\/([^/@\s]+)(?:@([^/@\s]+))?$/.exec(ref);
  if (m === null) {
    throw new UsageError(
      `template reference '${ref}' must look like <namespace>/<name>[@version], e.g. ecommerce/order_verification@1.0.0`,
    );
  }
  const [, namespace, name, version] = m as unknown as [string, string, string, string | undefined];
  return version !== undefined ? { namespace, name, version } : { namespace, name };
}
