import { createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * What a notice tells the subject about one purpose: what PIPA Art. 15(2) asks of a consent
 * notice (purpose, items, retention, the right to refuse and what refusing means) and GDPR
 * Art. 7(2) of a request for consent (distinguishable, clear). Each purpose is decided
 * separately (PIPA Art. 22(1)); `mandatory` ones are needed for the contract, the others are
 * optional and refusing them must not deny the service.
 */
export const noticePurpose = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, e.g. marketing'),
  description: z.string().trim().min(1).max(1000),
  mandatory: z.boolean(),
  /** The personal items collected for this purpose, each decided with it (e.g. email, phone). */
  items: z.array(z.string().trim().min(1).max(100)).min(1).max(50),
  /** How long the items are kept for this purpose, in words (e.g. "1 year after withdrawal"). */
  retention: z.string().trim().min(1).max(200),
  /** What refusing means for the subject (PIPA Art. 15(2)4). */
  refusalConsequence: z.string().trim().min(1).max(1000),
  /** A sale or sharing of personal information (CPRA s.1798.140(ad), (ah)): what GPC opts out of. */
  sellsOrShares: z.boolean(),
});
export type NoticePurpose = z.infer<typeof noticePurpose>;

export const noticeContent = z.strictObject({
  title: z.string().trim().min(1).max(300),
  purposes: z
    .array(noticePurpose)
    .min(1)
    .max(30)
    .refine((ps) => new Set(ps.map((p) => p.id)).size === ps.length, 'each purpose id once'),
});
export type NoticeContent = z.infer<typeof noticeContent>;

/** JSON with object keys sorted at every level: jsonb reorders keys, a hash must not care. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The hash a receipt quotes: what exactly the subject was shown. */
export function contentHash(notice: {
  key: string;
  version: number;
  language: string;
  territories: readonly string[];
  content: NoticeContent;
}): string {
  return sha256Hex(canonicalJson(notice));
}
