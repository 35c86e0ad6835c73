import type { PrivacyService } from './privacy.service.ts';

declare module '../global-types.ts' {
  interface GatewayServices {
    privacy: PrivacyService;
  }
}
