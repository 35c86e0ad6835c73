import type { EntityManager } from '@mikro-orm/core';
import type { AuthenticatedPrincipal, Principal, PrincipalKind, PrincipalOf } from './auth/principal.ts';
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
  /** The caller's address (core/http/client-ip.ts), when the request came over the network. */
  readonly clientIp?: string;
}

type ContextOf<K extends PrincipalKind> = RequestContext & { readonly principal: PrincipalOf<K> };

/*
 * The context of a field behind a principal-kind scope (`t.withAuth({ merchant: true })`):
 * scope-auth has refused every other caller before the resolver runs, so the principal's kind
 * is known. Services that only such fields call take these instead of checking the kind again.
 */
export type OperatorContext = ContextOf<'operator'>;
export type MerchantContext = ContextOf<'merchant'>;
export type PartnerContext = ContextOf<'partner'>;
export type CustomerContext = ContextOf<'customer'>;
export type AuthenticatedContext = RequestContext & { readonly principal: AuthenticatedPrincipal };
