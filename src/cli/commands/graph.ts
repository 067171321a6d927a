// `tasker graph <namespace>/<name>[@version]`: print a template's step DAG as Mermaid, DOT or JSON.
// Usage errors (bad format, malformed reference, unknown template) exit 2.
import { Option, type Command } from 'commander';
import { GRAPH_FORMATS, renderGraph, type GraphFormat } from '../../definition/graph-format.js';
import { templateKey } from '../../definition/model.js';
import { formatIssue } from '../../definition/validation-issue.js';
import { UsageError } from '../cli-errors.js';
import { loadTemplateOptions, parseTemplateRef, templatePathsFrom } from '../template-options.js';

interface GraphFlags {
  templates?: string[];
  env?: string;
  format: GraphFormat;
}

export function registerGraph(program: Command): void {
  program
    .command('graph')
    .description('print the step graph (DAG) of a template')
    .argument('<template>', 'namespace/name[@version]; the latest version when @version is left out')
    .option('--templates <paths...>', 'template files or directories (default: config/tasker/tasks)')
    .option('--env <name>', 'environment whose overrides apply (default: $TASKER_ENV, then $NODE_ENV)')
    .addOption(new Option('--format <format>', 'output format').choices(GRAPH_FORMATS).default('mermaid'))
    .addHelpText(
      'after',
      '\nJSON output is {nodes, edges, levels, roots, leaves}.\nExit codes: 0 printed, 2 usage error or unknown template.',
    )
    .action(async (ref: string, flags: GraphFlags) => {
      const target = parseTemplateRef(ref);
      const paths = templatePathsFrom(flags);
      if (paths.length === 0)
        throw new UsageError('no templates: pass --templates <dir> (config/tasker/tasks does not exist here)');
      const { templates, issues } = await loadTemplateOptions({
        templates: paths,
        ...(flags.env !== undefined ? { env: flags.env } : {}),
      });
      const template = templates.get(target.namespace, target.name, target.version);
      if (template === undefined) {
        const versions = templates.versions(target.namespace, target.name);
        const known = templates.list().map((l) => templateKey(l.template));
        const hint =
          versions.length > 0
            ? `available versions: ${versions.join(', ')}`
            : known.length > 0
              ? `templates found: ${known.join(', ')}`
              : `no valid templates found in ${paths.join(', ')}`;
        const problems = issues.length > 0 ? `; ${issues.length} template problem(s) (run tasker validate)` : '';
        throw new UsageError(`unknown template '${ref}'; ${hint}${problems}`, issues.slice(0, 20).map(formatIssue));
      }
      process.stdout.write(renderGraph(template, flags.format));
    });
}
