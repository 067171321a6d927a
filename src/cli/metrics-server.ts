// `tasker worker --metrics-port`: a plain node:http server answering GET /metrics with this process's Prometheus
// metrics (src/engine/metrics/), imported only when asked for, so a worker without it never loads prom-client.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Tasker } from '../engine/tasker.js';
import { UsageError } from './cli-errors.js';

export interface MetricsServer {
  /** `http://host:port/metrics` as bound (the port chosen when 0 was asked for). */
  url: string;
  close(): Promise<void>;
}

/** Attach metrics to `tasker` (before it starts running steps, so none is missed) and serve them. */
export async function serveMetrics(tasker: Tasker, host: string, port: number): Promise<MetricsServer> {
  const { TaskerMetrics } = await import('../engine/metrics/tasker-metrics.js');
  const metrics = new TaskerMetrics(tasker);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('use GET\n');
      return;
    }
    metrics.scrape().then(
      (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(req.method === 'HEAD' ? '' : text),
      (err: unknown) => {
        tasker.logger.warn({ err }, 'metrics scrape failed');
        const unavailable = tasker.isStoreUnavailable(err);
        res
          .writeHead(unavailable ? 503 : 500, { 'content-type': 'text/plain' })
          .end(unavailable ? 'store unavailable\n' : 'metrics scrape failed\n');
      },
    );
  });
  server.keepAliveTimeout = 65_000; // longer than a scraper's idle connection reuse
  try {
    await listen(server, host, port);
  } catch (err) {
    metrics.close();
    throw new UsageError(`cannot listen on ${host}:${port} for --metrics-port: ${(err as Error).message}`);
  }
  const addr = server.address() as AddressInfo;
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${shown}:${addr.port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        metrics.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
