import type { EventsService } from './events.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    events: EventsService;
  }
}
