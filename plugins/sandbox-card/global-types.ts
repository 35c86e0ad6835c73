import type { SandboxCardService } from './sandbox-card.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    'sandbox-card': SandboxCardService;
  }
}
