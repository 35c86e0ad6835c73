import type { IncomingMessage } from 'node:http';

/**
 * The caller's address: the socket's peer, or, behind `trustedProxies` reverse proxies that each
 * append to X-Forwarded-For, the address the outermost trusted proxy saw. Entries further left
 * are the client's own claims and are never trusted.
 */
export function clientIp(request: IncomingMessage | undefined, trustedProxies: number): string {
  const peer = request?.socket?.remoteAddress ?? 'unknown';
  if (trustedProxies <= 0 || !request) return peer;
  const header = request.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean);
  return hops[hops.length - trustedProxies] ?? peer;
}
