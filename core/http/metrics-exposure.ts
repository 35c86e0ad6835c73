import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GatewayMetrics } from './metrics.ts';

/**
 * Where Prometheus scrapes `/metrics`. Metrics tell a stranger the traffic, the error rates and
 * the process's memory, so they are not on the public port unless the operator says so:
 * - `'off'` (the default): not served; the counters still run.
 * - `{ port, host }`: a listener of their own, on 127.0.0.1 unless `host` says otherwise.
 * - `'public'`: on the GraphQL port, for a deployment whose proxy keeps `/metrics` inside.
 */
export type MetricsExposure = 'off' | 'public' | { port: number; host?: string };

export function serveMetrics(metrics: GatewayMetrics, res: ServerResponse): void {
  void metrics.registry.metrics().then((text) => {
    res.writeHead(200, { 'content-type': metrics.registry.contentType });
    res.end(text);
  });
}

export interface MetricsListener {
  /** Listens when the exposure is a port of its own; resolves to its URL, if any. */
  start(): Promise<string | undefined>;
  close(): Promise<void>;
}

export function metricsListener(
  exposure: MetricsExposure | undefined,
  metrics: GatewayMetrics,
): MetricsListener {
  if (typeof exposure !== 'object') return { start: async () => undefined, close: async () => {} };
  const host = exposure.host ?? '127.0.0.1';
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if ((req.url ?? '/').split('?')[0] === '/metrics') return serveMetrics(metrics, res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('not found: only /metrics is served here\n');
  });
  return {
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(exposure.port, host, () => resolve());
      });
      const { port } = server.address() as AddressInfo;
      return `http://${host.includes(':') ? `[${host}]` : host}:${port}/metrics`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
    },
  };
}
