import type { CarrierBillingService } from './carrier-billing.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    'carrier-billing': CarrierBillingService;
  }
}
