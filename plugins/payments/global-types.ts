import type { HookSpec } from '../../core/global-types.ts';
import type { AuthorizeVerdict, BeforeAuthorizeInput } from './before-authorize.ts';
import type { PaymentsServices } from './payments-services.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    payments: PaymentsServices;
  }
  interface GatewayHooks {
    'payment.beforeAuthorize': HookSpec<BeforeAuthorizeInput, AuthorizeVerdict>;
  }
  interface GatewayObjects {
    /** Named, so that other plugins add the settings they own (`MerchantSettings.webhookDefaults`) with `objectField`. */
    MerchantSettings: { merchantId: string };
  }
}
