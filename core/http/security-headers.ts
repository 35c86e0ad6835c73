import type { IncomingMessage, ServerResponse } from 'node:http';
import helmet from 'helmet';

/**
 * Helmet's usual headers on every answer. The API answers JSON, which nothing should render,
 * frame or run: its Content-Security-Policy allows nothing. HSTS is sent without
 * `includeSubDomains` (browsers ignore it over plain HTTP; behind a TLS proxy it holds this host
 * to HTTPS without deciding for the operator's other hosts).
 */
const COMMON = {
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: false },
  referrerPolicy: { policy: 'no-referrer' as const },
  xFrameOptions: { action: 'deny' as const },
};

const api = helmet({
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
});

/**
 * GraphiQL is one self-contained page (@graphql-yoga/render-graphiql): inline script and style,
 * its editor's workers from blob: URLs, requests only to this origin. Nothing from elsewhere.
 */
const graphiql = helmet({
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'", "'unsafe-inline'", 'blob:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      fontSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      workerSrc: ["'self'", 'blob:'],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
});

/** Same test as Yoga's: a browser navigating to the endpoint gets the GraphiQL page. */
export function wantsGraphiQL(req: IncomingMessage): boolean {
  return req.method === 'GET' && (req.headers.accept ?? '').includes('text/html');
}

export function setSecurityHeaders(req: IncomingMessage, res: ServerResponse, graphiqlPage: boolean): void {
  (graphiqlPage ? graphiql : api)(req, res, () => {});
}
