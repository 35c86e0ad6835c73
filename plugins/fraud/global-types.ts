import type { FraudServices } from './fraud-services.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    fraud: FraudServices;
  }
}
