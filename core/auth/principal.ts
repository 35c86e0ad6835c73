/** Who is calling. Resolved once per request (or WebSocket connection) from its credentials. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'operator'; readonly keyId: string }
  | { readonly kind: 'merchant'; readonly keyId: string; readonly merchantId: string }
  | {
      readonly kind: 'partner';
      readonly keyId: string;
      readonly partnerId: string;
      /** Merchants that granted this partner access to their events and payments. */
      readonly merchantIds: readonly string[];
    }
  | {
      readonly kind: 'customer';
      readonly sessionId: string;
      readonly merchantId: string;
      /** The merchant's reference for the end user (opened from the subject when authenticated). */
      readonly customerRef: string;
      /** The end user's privacy subject: what plugins store instead of the reference. */
      readonly subjectId: string;
      /** The session's end: open sockets and streams close then. */
      readonly expiresAt: Date;
    };

export type PrincipalKind = Principal['kind'];

/** The principal of one kind, e.g. `PrincipalOf<'merchant'>` has a `merchantId`. */
export type PrincipalOf<K extends PrincipalKind> = Extract<Principal, { readonly kind: K }>;

/** Anyone signed in: every principal holds a credential but the anonymous one. */
export type AuthenticatedPrincipal = Exclude<Principal, { readonly kind: 'anonymous' }>;

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** The merchants whose data this principal may see; operators see all (`'*'`). */
export function visibleMerchants(principal: Principal): '*' | readonly string[] {
  switch (principal.kind) {
    case 'operator':
      return '*';
    case 'merchant':
    case 'customer':
      return [principal.merchantId];
    case 'partner':
      return principal.merchantIds;
    case 'anonymous':
      return [];
  }
}

export function canSeeMerchant(principal: Principal, merchantId: string): boolean {
  const visible = visibleMerchants(principal);
  return visible === '*' || visible.includes(merchantId);
}
