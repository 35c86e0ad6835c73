import type { GatewayServices, HookHandler } from '../../core/plugin-api.ts';
import { ConsentReceipt } from './consent-receipt.entity.ts';
import { personalBinding } from './receipt-writer.ts';

/** A subject's receipts, oldest first, with their sealed part opened: its consent history. */
export function exportReceipts(services: GatewayServices): HookHandler<'subject.export'> {
  return ({ em, subject }) => {
    async function* records() {
      const subjectId = await services.privacy.keys.findSubjectId(em, subject);
      if (!subjectId) return;
      const receipts = await em.find(ConsentReceipt, { subjectId }, { orderBy: { sequence: 'asc' } });
      for (const r of receipts) {
        const opened = await services.privacy.keys.open(em, r.personalSealed, personalBinding(r.id));
        const personal = opened === null ? null : JSON.parse(opened);
        yield {
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
