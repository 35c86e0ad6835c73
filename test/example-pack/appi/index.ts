import { definePlugin } from '../../../core/plugin-api.ts';
import { APPI } from './appi.pack.ts';

export const appiPlugin = definePlugin({
  name: 'appi',
  version: '1.0.0',
  description: 'Japanese APPI regulation pack',
  enablement: { perMerchant: true, default: 'on' },
  setup: () => ({ regulation: APPI }),
});
