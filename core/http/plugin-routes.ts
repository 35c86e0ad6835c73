import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { RequestContext } from '../context.ts';
import type { Logger } from '../logging.ts';

/**
 * An HTTP route a plugin serves beside `/graphql`, for what GraphQL cannot carry well: a large
 * file streamed to a browser (a data export). The kernel authenticates the caller and counts
 * the request against its rate limit exactly as for GraphQL, then hands the route a request
 * context like a resolver's; the route decides what the principal may see.
 */
export interface PluginRoute {
  /** A path prefix of the plugin's own, starting and ending with `/` (`/exports/`). */
  readonly prefix: string;
  /** Serves one request; `rest` is the path after the prefix. Unexpected errors answer 500. */
  handle(request: PluginRouteRequest, res: ServerResponse): Promise<void>;
}

export interface PluginRouteRequest {
  readonly ctx: RequestContext;
  readonly method: string;
  readonly rest: string;
  readonly req: IncomingMessage;
}

/** A route with the plugin that added it (its metrics label). */
export interface MountedRoute extends PluginRoute {
  readonly plugin: string;
}

const PREFIX = /^\/[a-z0-9-]+(\/[a-z0-9-]+)*\/$/;

/** Checks a plugin's prefixes at boot: well-formed, and taken by no kernel path or other plugin. */
export function routePrefixProblem(
  prefix: string,
  taken: readonly { prefix: string; plugin: string }[],
  reserved: readonly string[],
): string | undefined {
  if (!PREFIX.test(prefix)) return `route prefix "${prefix}" is not a lower-case path ending with "/"`;
  const clash = reserved.find((path) => path === prefix.slice(0, -1) || path.startsWith(prefix));
  if (clash) return `route prefix "${prefix}" covers the gateway's own "${clash}"`;
  const other = taken.find((route) => route.prefix.startsWith(prefix) || prefix.startsWith(route.prefix));
  if (other) return `route prefix "${prefix}" overlaps "${other.prefix}" of plugin "${other.plugin}"`;
  return undefined;
}

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * Runs a plugin route: builds the context (refusing a bad credential with 401 and a caller over
 * its limit with 429, the GraphQL answers' codes), then the route. A failure after the first
 * byte ends the response: the client sees a truncated download, never a second status.
 */
export async function servePluginRoute(
  route: MountedRoute,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  context: () => Promise<RequestContext>,
  log: Logger,
): Promise<void> {
  let ctx: RequestContext;
  try {
    ctx = await context();
  } catch (error) {
    const extensions = error instanceof GraphQLError ? error.extensions : undefined;
    const http = extensions?.http as { status?: number; headers?: Record<string, string> } | undefined;
    if (http?.status && http.status < 500) {
      return json(
        res,
        http.status,
        { error: (error as Error).message, code: extensions?.code },
        http.headers,
      );
    }
    throw error;
  }
  try {
    await route.handle({ ctx, method: req.method ?? 'GET', rest: path.slice(route.prefix.length), req }, res);
  } catch (error) {
    log.error({ err: error, plugin: route.plugin }, 'plugin route failed');
    json(res, 500, { error: 'internal error' });
  }
}
