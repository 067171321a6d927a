// Handler catalogue routes: the registered namespaces, the templates (with versions) of one namespace, and one
// template with its step templates and dependency graph `{nodes, edges, levels}`.
import { buildDag } from '../../definition/dag.js';
import { resolveStepHandlerClass } from '../../definition/handler-naming.js';
import type { TaskTemplate } from '../../definition/model.js';
import { NotFoundError } from '../../core/errors.js';
import type { ApiContext } from '../context.js';
import type { RouteSpec } from '../route-catalog.js';
import { EMPTY_QUERY } from '../schemas/common.js';
import {
  NamespaceListSchema,
  NamespaceParams,
  NamespaceSchema,
  TemplateParams,
  TemplateQuery,
  TemplateSchema,
} from '../schemas/system.js';

function templateJson(template: TaskTemplate, versions: string[]) {
  const { nodes, edges, levels } = buildDag(template.step_templates);
  return {
    namespace: template.namespace_name,
    name: template.name,
    version: template.version,
    versions,
    description: template.description ?? null,
    task_handler_class: template.task_handler_class ?? null,
    context_schema: template.schema ?? null,
    step_templates: template.step_templates.map((s) => ({
      name: s.name,
      description: s.description ?? null,
      dependent_system: s.dependent_system ?? template.default_dependent_system ?? null,
      handler_class: resolveStepHandlerClass(template, s),
      handler_config: s.handler_config,
      depends_on: s.depends_on,
      default_retryable: s.default_retryable,
      default_retry_limit: s.default_retry_limit,
      skippable: s.skippable,
      timeout_ms: s.timeout ?? null,
      map: s.map ?? null,
      retry: s.retry ?? null,
    })),
    dependency_graph: { nodes, edges, levels },
  };
}

export function handlerRoutes(ctx: ApiContext): RouteSpec[] {
  const registry = ctx.tasker.templates;
  return [
    {
      method: 'GET',
      path: '/handlers',
      operationId: 'listNamespaces',
      tag: 'handlers',
      summary: 'Namespaces with registered templates',
      auth: ['tasks:read'],
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the namespaces', schema: NamespaceListSchema } },
      handler: async () => {
        const all = registry.list();
        return {
          namespaces: registry
            .namespaces()
            .map((name) => ({ name, template_count: all.filter((l) => l.template.namespace_name === name).length })),
        };
      },
    },
    {
      method: 'GET',
      path: '/handlers/:namespace',
      operationId: 'listTemplates',
      tag: 'handlers',
      summary: 'Templates of a namespace, with their versions',
      auth: ['tasks:read'],
      params: NamespaceParams,
      querystring: EMPTY_QUERY,
      responses: { 200: { description: 'the templates', schema: NamespaceSchema } },
      errors: [404],
      handler: async (request) => {
        const { namespace } = request.params as { namespace: string };
        const names = [
          ...new Set(
            registry
              .list()
              .filter((l) => l.template.namespace_name === namespace)
              .map((l) => l.template.name),
          ),
        ];
        if (!names.length) {
          throw new NotFoundError(
            `no templates in namespace '${namespace}'; namespaces: ${registry.namespaces().join(', ') || '(none)'}`,
            { namespace },
          );
        }
        return {
          namespace,
          templates: names.map((name) => {
            const latest = registry.get(namespace, name)!;
            return {
              name,
              versions: registry.versions(namespace, name),
              latest_version: latest.version,
              description: latest.description ?? null,
            };
          }),
        };
      },
    },
    {
      method: 'GET',
      path: '/handlers/:namespace/:name',
      operationId: 'getTemplate',
      tag: 'handlers',
      summary: 'A template with its step templates and dependency graph',
      description:
        'The latest version by semver unless ?version= names one. dependency_graph levels list the steps that can run together.',
      auth: ['tasks:read'],
      params: TemplateParams,
      querystring: TemplateQuery,
      responses: { 200: { description: 'the template', schema: TemplateSchema } },
      errors: [404],
      handler: async (request) => {
        const { namespace, name } = request.params as { namespace: string; name: string };
        const { version } = request.query as { version?: string };
        const template = registry.require(namespace, name, version);
        return templateJson(template, registry.versions(namespace, name));
      },
    },
  ];
}
