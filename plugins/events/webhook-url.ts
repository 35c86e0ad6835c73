import { BlockList, isIP } from 'node:net';

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.168.0.0', 16],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
] as const) {
  PRIVATE.addSubnet(network, prefix, 'ipv6');
}

function isPrivateHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(host)?.[1];
  if (mapped) return PRIVATE.check(mapped, 'ipv4');
  const family = isIP(host);
  return family !== 0 && PRIVATE.check(host, family === 4 ? 'ipv4' : 'ipv6');
}

/** What an operator changes to receive webhooks on their own machine (docs/partner-guide.md). */
const LOCAL_DEVELOPMENT =
  ' (for local development, the operator allows http:// and local addresses with eventsPlugin.with({ webhooks: { allowInsecureUrls: true } }) in yoga.config.ts; never in production)';

/**
 * Why a webhook URL is refused, or undefined when it is acceptable: https only, no credentials
 * in it, and no loopback or private address literal (unless the operator allows insecure URLs,
 * as tests and local development do). Host names are not resolved here.
 */
export function webhookUrlProblem(raw: string, allowInsecure: boolean): string | undefined {
  if (raw.length > 2048) return 'the URL is longer than 2048 characters';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'not an absolute URL';
  }
  if (url.username || url.password) return 'the URL may not contain credentials';
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:'))
    return `the URL must use https${url.protocol === 'http:' ? LOCAL_DEVELOPMENT : ''}`;
  if (!allowInsecure && isPrivateHost(url.hostname))
    return `the URL may not point at a loopback or private address${LOCAL_DEVELOPMENT}`;
  return undefined;
}
