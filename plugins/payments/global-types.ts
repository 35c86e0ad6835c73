import type { PaymentsServices } from './index.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    payments: PaymentsServices;
  }
}
