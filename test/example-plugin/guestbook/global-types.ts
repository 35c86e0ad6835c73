import type { HookSpec } from '../../../core/global-types.ts';
import type { BeforeSign, SignVerdict } from './guestbook.hooks.ts';
import type { GuestbookService } from './guestbook.service.ts';

declare module '../../../core/global-types.ts' {
  interface GatewayServices {
    guestbook: GuestbookService;
  }
  interface GatewayHooks {
    /** Asked before a message is stored: moderation plugins may refuse it. */
    'guestbook.beforeSign': HookSpec<BeforeSign, SignVerdict>;
  }
}
