import type { EntityManager } from '@mikro-orm/core';
import type { Principal } from './auth/principal.ts';
import type { GatewayServices } from './global-types.ts';
import type { Logger } from './logging.ts';

/** The GraphQL context: one per HTTP request, one per WebSocket subscription operation. */
export interface RequestContext {
  readonly requestId: string;
  readonly principal: Principal;
  /** A fresh identity map for this request. */
  readonly em: EntityManager;
  readonly log: Logger;
  readonly services: GatewayServices;
  /** Headers of the HTTP request or WebSocket upgrade, lower-case. */
  readonly headers: Headers;
}
