import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { YogaServerInstance } from 'graphql-yoga';
import type { RequestContext } from '../context.ts';
import type { Logger } from '../logging.ts';
import { type AccessNote, requestScope } from '../request-scope.ts';
import { logAccess } from './access-log.ts';
import type { GatewayMetrics } from './metrics.ts';
import { serveMetrics } from './metrics-exposure.ts';
import { type MountedRoute, servePluginRoute } from './plugin-routes.ts';
import { setSecurityHeaders, wantsGraphiQL } from './security-headers.ts';

export interface RouterOptions {
  graphqlPath: string;
  // biome-ignore lint/suspicious/noExplicitAny: Yoga's server and user context generics do not matter here
  yoga: YogaServerInstance<any, any>;
  metrics: GatewayMetrics;
  log: Logger;
  /** `/metrics` on this port (`http.metrics: 'public'`); otherwise it is a 404 here. */
  publicMetrics: boolean;
  /** GraphiQL is served, so a browser's GET of the endpoint gets the page's own CSP. */
  graphiql: boolean;
  /** Migrated and accepting traffic. */
  isReady: () => boolean;
  /** A live round trip to the database. */
  databaseReachable: () => Promise<boolean>;
  /** Routes plugins add beside GraphQL (core/http/plugin-routes.ts), by path prefix. */
  routes: readonly MountedRoute[];
  /** The request context of a plugin route: authenticated and counted as a GraphQL request. */
  routeContext: (req: IncomingMessage, requestId: string) => Promise<RequestContext>;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** The operational endpoints around Yoga, and a request id on every request and log line. */
export function createRouter(options: RouterOptions) {
  const { yoga, metrics } = options;
  return (req: IncomingMessage, res: ServerResponse): void => {
    const given = req.headers['x-request-id'];
    const requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('x-request-id', requestId);
    const path = (req.url ?? '/').split('?')[0]!;
    const operational = ['/health', '/ready', ...(options.publicMetrics ? ['/metrics'] : [])];
    const pluginRoute = options.routes.find((r) => path.startsWith(r.prefix));
    const route =
      path === options.graphqlPath
        ? 'graphql'
        : operational.includes(path)
          ? path.slice(1)
          : pluginRoute
            ? pluginRoute.plugin
            : 'other';
    setSecurityHeaders(req, res, route === 'graphql' && options.graphiql && wantsGraphiQL(req));
    const stop = metrics.httpDuration.startTimer({ route });
    res.on('finish', () => {
      stop();
      metrics.httpRequests.inc({ route, method: req.method ?? 'GET', status: String(res.statusCode) });
    });
    const access: AccessNote = {};
    requestScope.run({ requestId, access }, () => {
      logAccess(options.log, req, res, path, access, route !== 'graphql' && route !== 'other');
      switch (route) {
        case 'health':
          return json(res, 200, { status: 'ok' });
        case 'ready':
          return void readiness(options).then((ready) =>
            json(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not ready' }),
          );
        case 'metrics':
          return serveMetrics(metrics, res);
        case 'graphql':
          if (!options.isReady()) {
            return json(res, 503, {
              errors: [
                {
                  message: 'The gateway is starting: the database is not ready yet',
                  extensions: { code: 'NOT_READY' },
                },
              ],
            });
          }
          return void yoga(req, res, { requestId });
        default:
          if (pluginRoute && options.isReady()) {
            const context = () => options.routeContext(req, requestId);
            return void servePluginRoute(pluginRoute, req, res, path, context, options.log);
          }
          if (pluginRoute)
            return json(res, 503, { error: 'The gateway is starting: the database is not ready yet' });
          return json(res, 404, { error: 'not found', graphql: options.graphqlPath });
      }
    });
  };
}

async function readiness(options: RouterOptions): Promise<boolean> {
  if (!options.isReady()) return false;
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, 2000, false).unref());
  return Promise.race([options.databaseReachable().catch(() => false), timeout]);
}
