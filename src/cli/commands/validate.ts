// `tasker validate [paths...]`: load and check templates (and, with --handlers, that every step's handler resolves;
// with --db, that none differs from the definition the store keeps for its version); list every problem. Exit 0
// when all is valid, 1 when problems were found, 2 on usage errors.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { buildDag } from '../../definition/dag.js';
import { DEFAULT_TEMPLATE_DIR } from '../../definition/template-loader.js';
import { templateKey } from '../../definition/model.js';
import { formatIssue } from '../../definition/validation-issue.js';
import { UsageError } from '../cli-errors.js';
import { loadTemplateOptions } from '../template-options.js';
import { HANDLERS_TIMEOUT_HELP, parseCount } from '../engine-options.js';
import { OPTION_RANGES } from '../../engine/options.js';
import { redefinedTemplates } from '../../engine/template-definitions.js';
import { withStore } from '../task-store.js';

interface ValidateFlags {
  handlers?: string;
  handlersTimeout?: string;
  env?: string;
  json?: boolean;
  db?: string;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('check task templates (YAML) and, with --handlers, that every step handler resolves')
    .argument(
      '[paths...]',
      `template files or directories, searched for *.yaml/*.yml (default: ${DEFAULT_TEMPLATE_DIR})`,
    )
    .option('--handlers <module>', 'handlers module (.js/.mjs/.ts); every step must resolve to one of its handlers')
    .option('--handlers-timeout <ms>', HANDLERS_TIMEOUT_HELP)
    .option('--env <name>', 'environment whose overrides apply (default: $TASKER_ENV, then $NODE_ENV)')
    .option(
      '--db <url>',
      'also compare each template with the definition this store keeps for its version (a change needs a new version)',
    )
    .option('--json', 'print {ok, templates, issues} as JSON on stdout')
    .addHelpText(
      'after',
      '\nExit codes:\n  0  every template is valid\n  1  problems were found (each is listed)\n  2  usage error (bad flag, unreadable handlers module)',
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      if (paths.length === 0 && !existsSync(DEFAULT_TEMPLATE_DIR)) {
        throw new UsageError(
          `no paths given and ${DEFAULT_TEMPLATE_DIR} does not exist; pass template files or directories`,
        );
      }
      const handlersTimeoutMs = parseCount(
        flags.handlersTimeout,
        '--handlers-timeout',
        OPTION_RANGES.handlersTimeoutMs,
      );
      const loaded = await loadTemplateOptions({
        ...(handlersTimeoutMs !== undefined ? { handlersTimeoutMs } : {}),
        templates: paths.length > 0 ? paths : [DEFAULT_TEMPLATE_DIR],
        ...(flags.handlers !== undefined ? { handlers: flags.handlers } : {}),
        ...(flags.env !== undefined ? { env: flags.env } : {}),
      });
      const issues = [...loaded.issues];
      const flagged = new Set(issues.map((i) => `${i.file ?? ''}\u0000${i.template ?? ''}`));
      let valid = loaded.templates
        .list()
        .filter((l) => !flagged.has(`${l.source.file ?? ''}\u0000${l.template.namespace_name}/${l.template.name}`));
      if (flags.db !== undefined) {
        const checked = valid;
        const redefined = await withStore(flags.db, (store) => redefinedTemplates(store, checked));
        issues.push(...redefined.map((r) => r.issue));
        valid = valid.filter((l) => !redefined.some((r) => r.loaded === l));
      }

      if (flags.json === true) {
        const templates = valid.map((l) => ({
          key: templateKey(l.template),
          file: l.source.file ?? null,
          steps: l.template.step_templates.length,
        }));
        process.stdout.write(`${JSON.stringify({ ok: issues.length === 0, templates, issues }, null, 2)}\n`);
      } else {
        for (const l of valid) {
          const dag = buildDag(l.template.step_templates);
          const scheduled = l.template.schedules?.length ?? 0;
          const schedules = scheduled > 0 ? `, ${plural(scheduled, 'schedule')}` : '';
          const shape = `${plural(dag.nodes.length, 'step')}, ${plural(dag.levels.length, 'level')}${schedules}`;
          process.stdout.write(`ok  ${templateKey(l.template)}  (${shape})  ${l.source.file ?? ''}\n`);
        }
        for (const issue of issues) process.stderr.write(`${formatIssue(issue)}\n`);
        const summary =
          issues.length === 0
            ? `${plural(valid.length, 'template')} valid${flags.handlers !== undefined ? ', all handlers resolve' : ''}`
            : `validation failed: ${plural(issues.length, 'problem')} (${plural(valid.length, 'template')} valid)`;
        (issues.length === 0 ? process.stdout : process.stderr).write(`${summary}\n`);
      }
      process.exitCode = issues.length === 0 ? 0 : 1;
    });
}
