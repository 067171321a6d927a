// The `tasker/api` entry: the HTTP surface for programs that serve it. Kept apart from the `tasker` entry so that a
// worker process never loads Fastify and the metrics registry. Each name is listed on purpose
// (test/package/exports.test.ts holds the list).
export { createApiServer, type ApiServerOptions } from './server.js';
export type { AuthConfig } from './auth/config.js';
export { signJwt } from './auth/jwt.js';
export { TaskerMetrics, type TaskerMetricsOptions } from './metrics.js';
