import type { Principal } from '../auth/principal.ts';

/**
 * The rows of merchant-owned tables a principal may see, as a filter on `merchant`:
 * operators everything, merchants and their customers' sessions their own, partners what was granted.
 */
export function merchantFilter(principal: Principal): { merchant?: string | { $in: string[] } } | null {
  switch (principal.kind) {
    case 'operator':
      return {};
    case 'merchant':
    case 'customer':
      return { merchant: principal.merchantId };
    case 'partner':
      return { merchant: { $in: [...principal.merchantIds] } };
    case 'anonymous':
      return null;
  }
}

/** The merchant a principal acts for when it creates something; operators must name one. */
export function actingMerchant(principal: Principal): string | null {
  return principal.kind === 'merchant' ? principal.merchantId : null;
}
