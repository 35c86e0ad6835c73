import { definePlugin } from '../../core/plugin-api.ts';
import { PIPA } from './pipa.pack.ts';

/** The PIPA regulation pack: its rules are data (pipa.pack.ts) the gateway enforces. */
export const pipaPlugin = definePlugin({
  name: 'pipa',
  version: '1.0.0',
  description:
    'Korean PIPA regulation pack: separate consent per item, under-14 guardians, 72 h breach notice',
  enablement: { perMerchant: true, default: 'on' },
  setup: () => ({ regulation: PIPA }),
});
