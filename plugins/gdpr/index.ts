import { definePlugin } from '../../core/plugin-api.ts';
import { GDPR } from './gdpr.pack.ts';

/** The GDPR regulation pack: its rules are data (gdpr.pack.ts) the gateway enforces. */
export const gdprPlugin = definePlugin({
  name: 'gdpr',
  version: '1.0.0',
  description: 'GDPR regulation pack: consent, children, request deadlines, retention holds, breach clocks',
  enablement: { perMerchant: true, default: 'on' },
  setup: () => ({ regulation: GDPR }),
});
