import type { ConsentService } from './consent.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    consent: ConsentService;
  }
}
