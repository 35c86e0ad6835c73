import type { NoticeContent } from './notice-content.ts';

const HANGUL = /[\u3131-\uD79D]/;

/** Whether `item` names a term: a Latin term as whole words, a Hangul one anywhere (particles attach to it). */
export function namesTerm(item: string, term: string): boolean {
  const text = item.toLowerCase();
  const word = term.toLowerCase();
  if (HANGUL.test(word)) return text.includes(word);
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\p{L}\\p{N}])${escaped}($|[^\\p{L}\\p{N}])`, 'u').test(text);
}

/**
 * The first purpose that asks for a sensitive item (one naming a term of the pack's sensitive
 * categories) without a consent of its own, with why, or null: a mandatory purpose (the item
 * would ride on the contract's consent), or an optional one that also asks for other items (one
 * answer would cover both). GDPR Art. 9(2)(a) wants an explicit consent, PIPA Art. 23(1)1 one
 * separate from the consent to other processing. Read on the items the notice shows the subject.
 */
export function sensitiveWithoutOwnConsent(
  content: NoticeContent,
  terms: readonly string[],
): { purpose: string; item: string; why: string } | null {
  for (const p of content.purposes) {
    const sensitive = p.items.filter((item) => terms.some((term) => namesTerm(item, term)));
    const item = sensitive[0];
    if (item === undefined) continue;
    if (p.mandatory)
      return { purpose: p.id, item, why: 'a sensitive item is asked under a mandatory purpose' };
    if (sensitive.length < p.items.length)
      return { purpose: p.id, item, why: 'a sensitive item is asked together with other items' };
  }
  return null;
}
