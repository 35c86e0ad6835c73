import type { NoticeContent } from './notice-content.ts';
import { namesTerm } from './notice-sensitive.ts';

/**
 * Words that name a use no contract needs: each is its own consent under a law that wants a
 * separate consent per purpose (PIPA Art. 22(1), GDPR Art. 7(2) and Recital 43). A purpose id is
 * read as dash-separated words (`marketing`, `third-party-sharing`, `overseas-transfer`).
 */
const OPTIONAL_USES = new Set(['marketing', 'advertising', 'analytics', 'profiling', 'sharing', 'transfer']);

/**
 * How a notice's words (what the subject reads) name a use no contract needs, in English and
 * Korean: a mandatory purpose whose description says it markets, advertises, analyses or
 * profiles folds that use into the contract's consent whatever its id. Sharing and transfers are
 * left to the id and `sellsOrShares`: a payment's own description names the card network it
 * goes to, which is not a bundle.
 */
const OPTIONAL_USE_WORDS: readonly string[] = [
  'marketing',
  'newsletter',
  'newsletters',
  'promotion',
  'promotions',
  'promotional',
  'advertising',
  'advertisement',
  'advertisements',
  'ads',
  'analytics',
  'profiling',
  '마케팅',
  '광고',
  '홍보',
  '맞춤형',
];

/**
 * The first purpose that bundles consents, with why, or null: a mandatory purpose that sells or
 * shares or whose id or description names an optional use (the optional use rides on the
 * consent the contract needs), or one purpose whose id names two optional uses
 * (`marketing-and-analytics`: one answer for two).
 */
export function bundledPurpose(content: NoticeContent): { purpose: string; why: string } | null {
  for (const p of content.purposes) {
    const uses = p.id.split('-').filter((word) => OPTIONAL_USES.has(word));
    if (p.mandatory && (p.sellsOrShares || uses.length > 0))
      return { purpose: p.id, why: 'an optional use is folded into a mandatory purpose' };
    const said = OPTIONAL_USE_WORDS.find((word) => namesTerm(p.description, word));
    if (p.mandatory && said !== undefined)
      return { purpose: p.id, why: `a mandatory purpose’s description names an optional use ("${said}")` };
    if (new Set(uses).size > 1)
      return { purpose: p.id, why: `one purpose asks for ${[...new Set(uses)].join(' and ')} at once` };
  }
  return null;
}
