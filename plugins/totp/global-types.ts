import type { TotpService } from './totp.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    totp: TotpService;
  }
}
