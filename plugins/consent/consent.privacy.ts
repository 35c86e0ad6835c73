import { type GatewayServices, type HookHandler, SECTION_PAGE } from '../../core/plugin-api.ts';
import { ConsentReceipt } from './consent-receipt.entity.ts';
import { personalBinding } from './receipt-writer.ts';

/**
 * A subject's receipts, oldest first, with their sealed part opened: its consent history. Read
 * a page at a time by keyset on the receipt's sequence (unique within the subject's chain),
 * outside the identity map, so a long history streams in bounded memory like the other sections
 * (`subjectPages` orders by creation time; a subject's receipts are ordered by sequence).
 */
export function exportReceipts(services: GatewayServices): HookHandler<'subject.export'> {
  return ({ em, subject }) => {
    async function* records() {
      const subjectId = await services.privacy.keys.findSubjectId(em, subject);
      if (!subjectId) return;
      let after = -1;
      for (;;) {
        const page = await em.find(
          ConsentReceipt,
          { subjectId, sequence: { $gt: after } },
          { orderBy: { sequence: 'asc' }, limit: SECTION_PAGE, disableIdentityMap: true },
        );
        for (const r of page) yield await receipt(r);
        if (page.length < SECTION_PAGE) return;
        after = page[page.length - 1]!.sequence;
      }
    }
    async function receipt(r: ConsentReceipt) {
      const opened = await services.privacy.keys.open(em, r.personalSealed, personalBinding(r.id));
      const personal = opened === null ? null : JSON.parse(opened);
      return {
        id: r.id,
        sequence: r.sequence,
        notice: { key: r.noticeKey, version: r.noticeVersion, language: r.language, hash: r.noticeHash },
        decisions: r.decisions,
        method: r.method,
        collectionPoint: r.collectionPoint,
        jurisdiction: personal?.jurisdiction ?? null,
        guardian: personal?.guardian ?? null,
        guardianVerification: r.guardianVerification,
        recordedAt: r.recordedAt,
      };
    }
    return [{ name: 'consent.receipts', source: 'provided', records: records() }];
  };
}

/**
 * Receipts are kept: they prove what the subject decided, which the controller must be able to
 * show (GDPR Art. 7(1)). Their personal part is sealed under the subject's key, so shredding the
 * key leaves a pseudonymous record of decisions and nothing that names or locates the person.
 */
export const eraseReceipts: HookHandler<'subject.erase'> = () => ({
  erased: [],
  kept: [
    {
      what: 'ConsentReceipt',
      rule: 'GDPR Art. 7(1): the controller demonstrates consent; the sealed jurisdiction and guardian identity go with the subject key',
      until: null,
    },
  ],
});
