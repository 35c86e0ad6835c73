import type { LoggedEvent } from './event-log.ts';
import type { EventsService } from './events.service.ts';

declare module '../../core/global-types.ts' {
  interface GatewayServices {
    events: EventsService;
  }
  interface GatewayObjects {
    /** Named, so that producers can add what an event is about (`Event.payment`) with `objectField`. */
    Event: LoggedEvent;
  }
}
