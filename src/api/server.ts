// `createApiServer(tasker, options)`: a Fastify instance serving the Tasker HTTP API under /tasker — strict
// request validation, one error envelope, optional bearer-token/JWT auth, OpenAPI and Prometheus metrics. The
// caller listens and closes it; closing the server leaves the engine open (close that after).
import fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Tasker } from '../engine/tasker.js';
import type { Logger } from '../telemetry/logger.js';
import { TaskerMetrics } from './metrics.js';
import { readEnvironment } from '../core/environment.js';
import { loadAuthConfig, parseAuthConfig, type AuthConfig } from './auth/config.js';
import { checkRouteOverrides, installAuth, scopeResolver } from './auth/guard.js';
import { installOriginGuard, parseOriginPolicy } from './origin-guard.js';
import {
  DEFAULT_BODY_LIMIT,
  limitedServerFactory,
  resolveMaxConnections,
  resolveTimeouts,
  type ServerTimeouts,
} from './server-options.js';
import { packageVersion, type ApiContext } from './context.js';
import { frameworkErrors, installErrorHandling, UNAVAILABLE_RETRY_AFTER_S } from './errors.js';
import { clientErrorHandler, HTTP_SERVER_OPTIONS, installHttpErrors } from './http-errors.js';
import { installJsonBodyParser } from './json-body.js';
import { buildOpenApi } from './openapi.js';
import { RouteCatalog } from './route-catalog.js';
import { createValidatorCompiler } from './validation.js';
import { taskRoutes } from './routes/tasks.js';
import { stepRoutes } from './routes/steps.js';
import { rerunRoutes } from './routes/rerun.js';
import { pauseRoutes } from './routes/pauses.js';
import { pruneRoutes } from './routes/prune.js';
import { handlerRoutes } from './routes/handlers.js';
import { healthRoutes } from './routes/health.js';
import { metaRoutes } from './routes/meta.js';
import { historyRoutes } from './routes/history.js';
import { statsRoutes } from './routes/stats.js';
import { eventRoutes } from './routes/events.js';
import { EventStreams } from './events/event-streams.js';
import { whoamiRoutes } from './routes/whoami.js';
import { scheduleRoutes } from './routes/schedules.js';
import { rateLimitRoutes } from './routes/rate-limits.js';
import { signalRoutes } from './routes/signals.js';
import { builtUiDir, installUi } from './routes/ui.js';

export { DEFAULT_BODY_LIMIT };

export interface ApiServerOptions {
  /** Path prefix of every route. Default `/tasker`. */
  prefix?: string;
  /** Largest request body in bytes (413 above). Default 1 MiB. */
  bodyLimit?: number;
  /**
   * Bearer-token auth: a tokens file path (JSON/YAML), a configuration object (the file's shape or a parsed
   * AuthConfig), or false for none. Default: the file named by TASKER_AUTH_TOKENS_FILE, else none.
   */
  auth?: string | AuthConfig | Record<string, unknown> | false;
  /** Metrics to expose; default a new TaskerMetrics subscribed to this engine (closed with the server). */
  metrics?: TaskerMetrics;
  /** How long /health/ready and /health wait for the store. Default 2000 ms. */
  readyTimeoutMs?: number;
  /** Steps this process runs at once, reported by /health. */
  concurrency?: number;
  /** Request logging goes here (with the Authorization header redacted); default the engine's logger. */
  logger?: Logger;
  /**
   * Host names (besides those of the bound address; loopback aliases count for loopback and wildcard binds) that
   * requests may address, e.g. the DNS name of a server bound to 0.0.0.0. `*` turns the Host check off.
   */
  allowedHosts?: string[];
  /** Origins (`scheme://host[:port]`) besides the server's own that may send POST, PUT, PATCH and DELETE. */
  allowedOrigins?: string[];
  /** Connection timeouts in ms, each defaulting to DEFAULT_TIMEOUTS (headers 10 s, request 30 s, keep-alive 5 s, idle 60 s). */
  timeouts?: Partial<ServerTimeouts>;
  /** Connections open at once; more are closed as they arrive. Default 1000. */
  maxConnections?: number;
  /**
   * The dashboard under `<prefix>/ui/` (and `GET /` redirecting there): true (default) serves the files built into
   * this package, a string serves that directory, false serves none.
   */
  ui?: boolean | string;
}

function resolveAuth(auth: ApiServerOptions['auth']): AuthConfig | null {
  if (auth === false) return null;
  if (auth === undefined) {
    const file = readEnvironment().TASKER_AUTH_TOKENS_FILE;
    return file ? loadAuthConfig(file) : null;
  }
  if (typeof auth === 'string') return loadAuthConfig(auth);
  // An already parsed AuthConfig (from loadAuthConfig/parseAuthConfig): a file never has `source` (unknown field).
  const parsed = auth as AuthConfig;
  const hashed =
    Array.isArray(parsed.tokens) && parsed.tokens.every((t) => Buffer.isBuffer((t as { hash?: unknown }).hash));
  if (typeof parsed.source === 'string' && hashed) return parsed;
  return parseAuthConfig(auth, 'the auth option');
}

/** Build the API server (not yet listening). Throws AuthConfigError for a bad tokens file, ApiOptionError else. */
export function createApiServer(tasker: Tasker, options: ApiServerOptions = {}): FastifyInstance {
  const prefix = (options.prefix ?? '/tasker').replace(/\/+$/, '');
  const originPolicy = parseOriginPolicy(options.allowedHosts, options.allowedOrigins);
  const timeouts = resolveTimeouts(options.timeouts);
  const maxConnections = resolveMaxConnections(options.maxConnections);
  const auth = resolveAuth(options.auth);
  const ownsMetrics = options.metrics === undefined;
  const metrics = (options.metrics ?? new TaskerMetrics(tasker)).enableHttp();
  const logger = (options.logger ?? tasker.logger).child(
    { component: 'api' },
    {
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', 'authorization', 'token'],
        censor: '[redacted]',
      },
    },
  );
  const app = fastify({
    loggerInstance: logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
    frameworkErrors,
    clientErrorHandler,
    http: HTTP_SERVER_OPTIONS,
    // Requests arriving while closing are answered by installHttpErrors, in the error envelope.
    return503OnClosing: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Long enough for any namespace/name the schemas allow, so over-long ids fail validation (400) instead.
    routerOptions: { maxParamLength: 512 },
    // Against slow clients (slowloris) and piles of idle connections: see server-options.ts.
    serverFactory: limitedServerFactory(timeouts, maxConnections),
  });
  app.setValidatorCompiler(createValidatorCompiler());
  // Bodies are JSON only (UTF-8, numbers and text exactly as sent): anything else (text/plain included) answers 415.
  app.removeContentTypeParser('text/plain');
  installJsonBodyParser(app);
  app.decorateRequest('principal', null);
  installErrorHandling(app, prefix, (err) => tasker.isStoreUnavailable(err));
  installHttpErrors(app, UNAVAILABLE_RETRY_AFTER_S);
  installOriginGuard(app, originPolicy);

  const ctx: ApiContext = {
    tasker,
    metrics,
    prefix,
    readyTimeoutMs: options.readyTimeoutMs ?? 2000,
    concurrency: options.concurrency ?? null,
    startedAt: Date.now(),
    version: packageVersion(),
  };
  const streams = new EventStreams(tasker, auth !== null);
  // streams end before the server closes, or close would wait on them
  app.addHook('preClose', async () => streams.closeAll());
  const catalog = new RouteCatalog(prefix);
  let openApi: Record<string, unknown> | null = null;
  const document = () =>
    (openApi ??= buildOpenApi(catalog, { version: ctx.version, scopesFor: auth ? scopeResolver(auth) : null }));
  for (const spec of [
    ...taskRoutes(ctx),
    ...historyRoutes(ctx),
    ...stepRoutes(ctx),
    ...rerunRoutes(ctx),
    ...signalRoutes(ctx),
    ...pauseRoutes(ctx),
    ...scheduleRoutes(ctx),
    ...rateLimitRoutes(ctx),
    ...pruneRoutes(ctx),
    ...handlerRoutes(ctx),
    ...healthRoutes(ctx),
    ...statsRoutes(ctx),
    ...eventRoutes(ctx, streams),
    ...metaRoutes(ctx, document),
    ...whoamiRoutes(),
  ]) {
    catalog.register(app, spec);
  }
  if (options.ui !== false) installUi(app, prefix, typeof options.ui === 'string' ? options.ui : builtUiDir());
  if (auth) {
    checkRouteOverrides(auth, catalog);
    installAuth(app, catalog, auth, streams.tickets);
  }
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeHttp(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode);
  });
  if (ownsMetrics) app.addHook('onClose', async () => metrics.close());
  return app;
}
