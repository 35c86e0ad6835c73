import type { Plugin } from 'graphql-yoga';
import { BootError } from '../boot-error.ts';

export interface CorsConfig {
  /** Exact origins (`https://shop.example`, scheme and host, no path), or `['*']` for any. */
  origins: readonly string[];
  /**
   * Let browsers send cookies and HTTP authentication along. The gateway's credentials are bearer
   * tokens in the Authorization header, which need no such permission: default false.
   */
  credentials?: boolean;
  /** How long a browser may reuse a preflight answer (default 600). */
  maxAgeSeconds?: number;
}

/** What a browser app may send and read: the headers the gateway reads and writes. */
const ALLOWED_HEADERS = ['authorization', 'content-type', 'accept', 'idempotency-key', 'x-request-id'];
const EXPOSED_HEADERS = ['x-request-id', 'retry-after'];

function assertOrigin(origin: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(origin);
  } catch {}
  if (origin !== '*' && parsed?.origin !== origin) {
    throw new BootError({
      problem: `http.cors.origins has "${origin}", which is not an origin`,
      fix: 'list origins as scheme://host[:port] with no path or trailing slash, e.g. "https://shop.example"',
    });
  }
}

/**
 * Yoga's `cors` option: no cross-origin access unless the operator lists origins; then only
 * those, echoed one at a time (never whatever a request claims), without credentials by default.
 */
export function corsOption(config: CorsConfig | undefined) {
  const origins = new Set(config?.origins ?? []);
  if (origins.size === 0) return false;
  for (const origin of origins) assertOrigin(origin);
  const credentials = config?.credentials ?? false;
  if (origins.has('*') && credentials) {
    throw new BootError({
      problem: 'http.cors allows any origin ("*") with credentials',
      fix: 'list the origins that may send credentials, or set http.cors.credentials to false',
    });
  }
  return (request: Request) => {
    const origin = request.headers.get('origin');
    if (!origin || !(origins.has('*') || origins.has(origin))) return false;
    return {
      origin: [origin],
      credentials,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ALLOWED_HEADERS,
      exposedHeaders: EXPOSED_HEADERS,
      maxAge: config?.maxAgeSeconds ?? 600,
    };
  };
}

/** The answer depends on the request's Origin: say so to caches. */
export function useVaryOnOrigin(): Plugin {
  return { onResponse: ({ response }) => response.headers.append('vary', 'Origin') };
}
