import type { Plugin } from 'graphql-yoga';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Prometheus metrics of one gateway (its own registry, so several gateways can share a process). */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'gateway_http_requests_total',
    help: 'HTTP requests by route and status',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'gateway_http_request_duration_seconds',
    help: 'HTTP request duration by route',
    labelNames: ['route'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly operations = new Counter({
    name: 'gateway_graphql_operations_total',
    help: 'GraphQL operations by type and whether they ended with errors',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'gateway_graphql_errors_total',
    help: 'GraphQL errors by extensions.code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly websocketConnections = new Gauge({
    name: 'gateway_websocket_connections',
    help: 'Open graphql-ws connections',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'gateway_' });
  }

  /** Counts operations and errors by code as Yoga produces results. */
  yogaPlugin(): Plugin {
    return {
      onExecute: ({ args }) => {
        const type =
          args.document.definitions.find(
            (d: { kind: string; name?: { value: string } }) =>
              d.kind === 'OperationDefinition' &&
              (!args.operationName || d.name?.value === args.operationName),
          )?.operation ?? 'unknown';
        return {
          onExecuteDone: ({ result }) => {
            const errors = 'errors' in result ? result.errors : undefined;
            this.operations.inc({ type: String(type), outcome: errors?.length ? 'error' : 'ok' });
          },
        };
      },
      onResultProcess: ({ result }) => {
        for (const single of Array.isArray(result) ? result : [result]) {
          for (const error of (single as { errors?: { extensions?: { code?: unknown } }[] }).errors ?? []) {
            this.errors.inc({ code: String(error.extensions?.code ?? 'UNKNOWN') });
          }
        }
      },
    };
  }
}
