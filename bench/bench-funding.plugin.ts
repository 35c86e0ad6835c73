import { definePlugin } from '../core/plugin.ts';
import type { PaymentMethod } from '../plugins/payments/payment-method.ts';

/** A bank that approves every top-up at once: the bench needs funded wallets, not a card network. */
const benchFunding: PaymentMethod = {
  id: 'bench-funding',
  displayName: 'Bench funding',
  internal: false,
  supports: () => true,
  authorize: async (call) => ({ status: 'approved', reference: call.operationKey }),
  capture: async (call) => ({ status: 'approved', reference: call.reference }),
  void: async (call) => ({ status: 'approved', reference: call.reference }),
  refund: async (call) => ({ status: 'approved', reference: call.reference }),
  status: async (call) => ({ status: 'approved', reference: call.reference }),
};

export const benchFundingPlugin = definePlugin({
  name: 'bench-funding',
  version: '1.0.0',
  requires: ['payments'],
  setup: (plugin) => {
    plugin.services.payments.methods.register(plugin.name, benchFunding);
    return {};
  },
});
