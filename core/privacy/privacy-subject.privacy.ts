import type { AuthService } from '../auth/auth.service.ts';
import { customerSessionsSection, eraseCustomerSessions } from '../auth/customer-sessions.privacy.ts';
import { query } from '../db/sql.ts';
import type { HookHandler } from '../hooks.ts';
import type { SubjectKeys } from './subject-keys.ts';

/**
 * The kernel's own part of a subject: who the subject is to the merchant (its reference, opened)
 * and the auth kernel's customer sessions. The privacy plugin answers for the auth kernel,
 * which cannot handle a hook of a plugin that requires it.
 */
export const exportPrivacySubject =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    const subjectId = () => keys.findSubjectId(em, subject);
    async function* identity() {
      const id = await subjectId();
      if (!id) return;
      const [row] = await query<{ created_at: Date }>(
        em,
        'select created_at from privacy_subject where id = ?',
        [id],
      );
      yield {
        subjectId: id,
        customerRef: await keys.customerRef(em, id),
        createdAt: row?.created_at ?? null,
      };
    }
    return [
      { name: 'privacy.subject', source: 'provided', records: identity() },
      customerSessionsSection(em, subjectId),
    ];
  };

/**
 * Deletes the subject's sessions. The subject's key itself is shredded by the erasure once every
 * plugin has answered (`PrivacyService.eraseSubject`): plugins find their rows by the subject's
 * live id, so it must outlive their handlers, and this one runs first.
 */
export const erasePrivacySubject =
  (keys: SubjectKeys, auth: AuthService): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const subjectId = await keys.findSubjectId(em, subject);
    if (!subjectId) return { erased: [], kept: [] };
    return { erased: await eraseCustomerSessions(em, auth, subjectId), kept: [] };
  };
