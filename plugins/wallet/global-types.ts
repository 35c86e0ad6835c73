import type { WalletService } from './wallet.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    wallet: WalletService;
  }
}
