import type { EntityManager } from '@mikro-orm/core';
import {
  countryOf,
  covers,
  isUuid,
  type MerchantContext,
  NotFoundError,
  query,
  type Regulations,
  ValidationError,
} from '../../core/plugin-api.ts';
import { BundledConsent, SensitiveConsentRequired } from './consent.errors.ts';
import { ConsentNotice } from './consent-notice.entity.ts';
import { bundledPurpose } from './notice-bundling.ts';
import { contentHash, type NoticeContent, noticeContent } from './notice-content.ts';
import { sensitiveWithoutOwnConsent } from './notice-sensitive.ts';

export interface PublishNoticeInput {
  key: string;
  language: string;
  territories: readonly string[];
  title: string;
  purposes: readonly NoticeContent['purposes'][number][];
}

const KEY = /^[a-z][a-z0-9-]{0,99}$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** Versioned notices: publishing makes a new version; none is ever changed, so all stay readable. */
export class NoticeService {
  readonly #regulations: Regulations;

  constructor(regulations: Regulations) {
    this.#regulations = regulations;
  }

  async publish(ctx: MerchantContext, input: PublishNoticeInput): Promise<ConsentNotice> {
    const { merchantId } = ctx.principal;
    if (!KEY.test(input.key))
      throw new ValidationError('key', 'lower-case letters, digits and dashes, e.g. checkout');
    if (!LANGUAGE.test(input.language))
      throw new ValidationError('language', 'a BCP 47 language such as ko or en');
    const territories = [...new Set(input.territories)];
    const bad = territories.find((t) => countryOf(t) === null);
    if (bad !== undefined)
      throw new ValidationError('territories', `"${bad}" is not an ISO 3166 country or subdivision`);
    const parsed = noticeContent.safeParse({ title: input.title, purposes: input.purposes });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError(
        String(issue.path[0] ?? 'purposes'),
        `${issue.path.join('.')}: ${issue.message}`,
      );
    }
    this.#checkPacks(merchantId, territories, parsed.data);
    return ctx.em.transactional(async (tx) => {
      // One publisher at a time per notice and language: the next version number is theirs.
      await query(tx, 'select pg_advisory_xact_lock(hashtext(?))', [
        `consent-notice:${merchantId}:${input.key}`,
      ]);
      const [row] = await query<{ version: number | null }>(
        tx,
        'select max(version) as version from consent_notice where merchant_id = ? and key = ? and language = ?',
        [merchantId, input.key, input.language],
      );
      const version = (row?.version ?? 0) + 1;
      const notice = tx.create(ConsentNotice, {
        merchant: merchantId,
        key: input.key,
        version,
        language: input.language,
        territories,
        content: parsed.data,
        contentHash: contentHash({
          key: input.key,
          version,
          language: input.language,
          territories,
          content: parsed.data,
        }),
        publishedBy: `api-key:${ctx.principal.keyId}`,
      });
      await tx.flush();
      return notice;
    });
  }

  /**
   * The packs of the notice's territories refuse what their law forbids a notice to ask: two
   * consents as one, where a pack wants each purpose decided separately (PIPA Art. 22(1), GDPR
   * Art. 7(2)), and a sensitive item without a consent of its own, where a pack wants one (GDPR
   * Art. 9(2)(a), PIPA Art. 23(1)1). A pack switched off for the merchant refuses the territory
   * (RegulationPackDisabled).
   */
  #checkPacks(merchantId: string, territories: readonly string[], content: NoticeContent): void {
    for (const pack of this.#regulations.forTerritories(merchantId, territories)) {
      const bundled = pack.rules.consent.separatePerPurpose ? bundledPurpose(content) : null;
      if (bundled)
        throw new BundledConsent(pack.name, pack.rules.consent.article, bundled.purpose, bundled.why);
      const { sensitive } = pack.rules;
      const unseparated = sensitive?.separateConsent
        ? sensitiveWithoutOwnConsent(content, sensitive.terms)
        : null;
      if (unseparated && sensitive?.separateConsent) {
        const { purpose, item, why } = unseparated;
        throw new SensitiveConsentRequired(pack.name, sensitive.separateConsent.article, purpose, item, why);
      }
    }
  }

  /** Any version of one of the merchant's notices. */
  async get(em: EntityManager, merchantId: string, id: string): Promise<ConsentNotice> {
    const notice = isUuid(id) ? await em.findOne(ConsentNotice, { id, merchant: merchantId }) : null;
    if (!notice) throw new NotFoundError('ConsentNotice', id);
    return notice;
  }

  /** Every version of the merchant's notices, newest first, optionally of one key. */
  list(em: EntityManager, merchantId: string, key: string | null): Promise<ConsentNotice[]> {
    return em.find(
      ConsentNotice,
      { merchant: merchantId, ...(key ? { key } : {}) },
      { orderBy: { key: 'asc', language: 'asc', version: 'desc' }, limit: 500 },
    );
  }

  /** The current version of each notice in `language` whose territories cover the jurisdiction. */
  async applicable(
    em: EntityManager,
    merchantId: string,
    jurisdiction: string | null,
    language: string | null,
  ): Promise<ConsentNotice[]> {
    const rows = await query<{ id: string }>(
      em,
      `select distinct on (key, language) id from consent_notice
        where merchant_id = ? and (?::text is null or language = ?)
        order by key, language, version desc`,
      [merchantId, language, language],
    );
    const current = await em.find(
      ConsentNotice,
      { id: { $in: rows.map((r) => r.id) } },
      { orderBy: { key: 'asc' } },
    );
    return current.filter((n) => appliesTo(n, jurisdiction));
  }

  async isCurrent(em: EntityManager, notice: ConsentNotice): Promise<boolean> {
    const [row] = await query<{ version: number }>(
      em,
      'select max(version) as version from consent_notice where merchant_id = ? and key = ? and language = ?',
      [notice.merchant.id, notice.key, notice.language],
    );
    return row?.version === notice.version;
  }
}

/** A notice without territories is for everyone; otherwise one of them must cover the subject. */
export function appliesTo(notice: ConsentNotice, jurisdiction: string | null): boolean {
  return (
    notice.territories.length === 0 ||
    (jurisdiction !== null && notice.territories.some((t) => covers(t, jurisdiction)))
  );
}
