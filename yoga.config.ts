import { defineConfig } from './core/config.ts';
import { carrierBillingPlugin } from './plugins/carrier-billing/index.ts';
import { eventsPlugin } from './plugins/events/index.ts';
import { paymentsPlugin } from './plugins/payments/index.ts';
import { sandboxCardPlugin } from './plugins/sandbox-card/index.ts';
import { totpPlugin } from './plugins/totp/index.ts';
import { walletPlugin } from './plugins/wallet/index.ts';

/**
 * The operator's file: which database, which plugins with which options. Environment
 * variables override what deployments differ in (DATABASE_URL, PORT, GATEWAY_MASTER_KEY).
 */
export default defineConfig({
  database: {
    url: process.env.DATABASE_URL,
    dataDir: process.env.GATEWAY_DATA_DIR ?? './data',
  },
  http: {
    port: Number(process.env.PORT ?? 4000),
    bodyLimitBytes: 1024 * 1024,
  },
  secrets: {
    masterKey: process.env.GATEWAY_MASTER_KEY,
  },
  plugins: [
    totpPlugin,
    // REDIS_URL: fan events out over Redis pub/sub instead of PostgreSQL LISTEN/NOTIFY.
    eventsPlugin.with({ eventBus: { redisUrl: process.env.REDIS_URL || undefined } }),
    paymentsPlugin,
    walletPlugin,
    sandboxCardPlugin,
    carrierBillingPlugin,
  ],
});
