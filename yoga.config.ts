import { defineConfig } from './core/config.ts';
import { carrierBillingPlugin } from './plugins/carrier-billing/index.ts';
import { consentPlugin } from './plugins/consent/index.ts';
import { cpraPlugin } from './plugins/cpra/index.ts';
import { eventsPlugin } from './plugins/events/index.ts';
import { fraudPlugin } from './plugins/fraud/index.ts';
import { gdprPlugin } from './plugins/gdpr/index.ts';
import { paymentsPlugin } from './plugins/payments/index.ts';
import { pipaPlugin } from './plugins/pipa/index.ts';
import { portabilityPlugin } from './plugins/portability/index.ts';
import { sandboxCardPlugin } from './plugins/sandbox-card/index.ts';
import { subjectRequestsPlugin } from './plugins/subject-requests/index.ts';
import { totpPlugin } from './plugins/totp/index.ts';
import { walletPlugin } from './plugins/wallet/index.ts';

/**
 * The operator's file: which database, which plugins with which options. Environment
 * variables override what deployments differ in (DATABASE_URL, PORT, GATEWAY_MASTER_KEY, ...;
 * README "Environment"). docs/production.md explains the HTTP settings below.
 */
const production = process.env.NODE_ENV === 'production';
const list = (value: string | undefined) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

export default defineConfig({
  database: {
    url: process.env.DATABASE_URL,
    dataDir: process.env.GATEWAY_DATA_DIR ?? './data',
  },
  http: {
    port: Number(process.env.PORT ?? 4000),
    // Loopback unless told: behind a proxy on the same machine, or GATEWAY_HOST=0.0.0.0 in a container.
    host: process.env.GATEWAY_HOST ?? '127.0.0.1',
    bodyLimitBytes: 1024 * 1024,
    // Production hides the schema from strangers: no GraphiQL page, no introspection, no suggestions.
    graphiql: !production,
    introspection: !production,
    // Per document, checked before anything runs (the defaults, spelled out to be changed here).
    limits: { depth: 10, aliases: 15, tokens: 2000, directives: 20, cost: 25_000 },
    // Browser apps on other origins, comma-separated (https://shop.example); none by default.
    cors: { origins: list(process.env.GATEWAY_CORS_ORIGINS) },
    // Prometheus on a port of its own, loopback unless GATEWAY_METRICS_HOST says otherwise.
    metrics: process.env.GATEWAY_METRICS_PORT
      ? { port: Number(process.env.GATEWAY_METRICS_PORT), host: process.env.GATEWAY_METRICS_HOST }
      : 'off',
    // Off by default. Only listed operations, sent by hash (docs/typed-client.md):
    // persistedOperations: { file: 'examples/typed-client/gql/persisted-documents.json' },
  },
  secrets: {
    masterKey: process.env.GATEWAY_MASTER_KEY,
  },
  // Rate limits per principal kind (README "Limits"); unset kinds keep their defaults, e.g.
  // requests: { merchant: { requests: 500, perSeconds: 1 }, customer: { requests: 20, perSeconds: 1 } }.
  limits: {
    // Reverse proxies in front that append the client to X-Forwarded-For.
    trustedProxies: Number(process.env.GATEWAY_TRUSTED_PROXIES ?? 0),
  },
  plugins: [
    totpPlugin,
    // REDIS_URL: fan events out over Redis pub/sub instead of PostgreSQL LISTEN/NOTIFY.
    eventsPlugin.with({ eventBus: { redisUrl: process.env.REDIS_URL || undefined } }),
    paymentsPlugin,
    walletPlugin,
    sandboxCardPlugin,
    carrierBillingPlugin,
    consentPlugin,
    // Access and portability exports of a data subject (plugins/portability/README.md).
    portabilityPlugin,
    // Regulation packs: typed data consent and operators read; no hook on the payment path, no
    // table, so they cost a payment nothing. On for every merchant unless an operator turns one off.
    gdprPlugin,
    cpraPlugin,
    pipaPlugin,
    // Data subject requests (docs/subject-requests.md): deadlines from the packs above; a check
    // every minute in each process reports overdue requests and resumes interrupted ones.
    subjectRequestsPlugin,
    // Off for every merchant until an operator enables it (setPluginEnabled): a payment of a
    // merchant without it pays nothing for it.
    fraudPlugin,
  ],
});
