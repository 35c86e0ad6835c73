import { definePlugin } from '../../core/plugin-api.ts';
import { CPRA } from './cpra.pack.ts';

/** The CCPA/CPRA regulation pack: its rules are data (cpra.pack.ts) the gateway enforces. */
export const cpraPlugin = definePlugin({
  name: 'cpra',
  version: '1.0.0',
  description: 'CCPA/CPRA regulation pack: GPC, minors’ opt-in to sale, request deadlines, breach notices',
  enablement: { perMerchant: true, default: 'on' },
  setup: () => ({ regulation: CPRA }),
});
