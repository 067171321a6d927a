// The API's metrics are the engine's (src/engine/metrics/): `tasker/api` exports them from here, and the server
// turns on the HTTP request counter.
export { TaskerMetrics, type TaskerMetricsOptions } from '../engine/metrics/tasker-metrics.js';
