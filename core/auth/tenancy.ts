import { type AuthenticatedPrincipal, type Principal, visibleMerchants } from './principal.ts';

type MerchantFilter = { merchant?: { $in: string[] } };

/**
 * The rows of merchant-owned tables a principal may see, as a filter on `merchant`:
 * operators everything, merchants and their customers' sessions their own, partners what was granted.
 * An anonymous caller sees nothing (null); behind a scope that admits only signed-in callers
 * there is always a filter.
 */
export function merchantFilter(principal: AuthenticatedPrincipal): MerchantFilter;
export function merchantFilter(principal: Principal): MerchantFilter | null;
export function merchantFilter(principal: Principal): MerchantFilter | null {
  if (principal.kind === 'anonymous') return null;
  const visible = visibleMerchants(principal);
  return visible === '*' ? {} : { merchant: { $in: [...visible] } };
}
