import type { NoticeContent } from './notice-content.ts';

/**
 * Words that name a use no contract needs: each is its own consent under a law that wants a
 * separate consent per purpose (PIPA Art. 22(1), GDPR Art. 7(2) and Recital 43). A purpose id is
 * read as dash-separated words (`marketing`, `third-party-sharing`, `overseas-transfer`).
 */
const OPTIONAL_USES = new Set(['marketing', 'advertising', 'analytics', 'profiling', 'sharing', 'transfer']);

/**
 * The first purpose that bundles consents, with why, or null: a mandatory purpose that sells or
 * shares or names an optional use (the optional use rides on the consent the contract needs), or
 * one purpose that names two optional uses (`marketing-and-analytics`: one answer for two).
 */
export function bundledPurpose(content: NoticeContent): { purpose: string; why: string } | null {
  for (const p of content.purposes) {
    const uses = p.id.split('-').filter((word) => OPTIONAL_USES.has(word));
    if (p.mandatory && (p.sellsOrShares || uses.length > 0))
      return { purpose: p.id, why: 'an optional use is folded into a mandatory purpose' };
    if (new Set(uses).size > 1)
      return { purpose: p.id, why: `one purpose asks for ${[...new Set(uses)].join(' and ')} at once` };
  }
  return null;
}
