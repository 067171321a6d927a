// The `tasker/api` entry: the HTTP surface for programs that serve it (createApiServer, its auth and metrics). Kept
// apart from the `tasker` entry so that a worker process never loads Fastify and the metrics registry.
export { createApiServer, DEFAULT_BODY_LIMIT, type ApiServerOptions } from './server.js';
export {
  loadAuthConfig,
  parseAuthConfig,
  hashToken,
  AuthConfigError,
  AUTH_TOKENS_ENV,
  type AuthConfig,
  type TokenEntry,
  type JwtConfig,
} from './auth/config.js';
export { signJwt } from './auth/jwt.js';
export { TaskerMetrics, type TaskerMetricsOptions } from './metrics.js';
