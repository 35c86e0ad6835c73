import { type HookHandler, query, type SubjectKeys } from '../../core/plugin-api.ts';
import { TOTP_PERIOD_SECONDS } from './totp-code.ts';

/**
 * The subject's second factor as facts about its enrollment: when, whether confirmed, when a
 * code last passed, locks, how many recovery codes are left. Never the secret, a code, nor a
 * recovery code or its hash: an export is a file that travels, and those open the account.
 * One factor per subject, so one record: nothing to page.
 */
export const exportTotp =
  (keys: SubjectKeys): HookHandler<'subject.export'> =>
  ({ em, subject }) => {
    async function* factor() {
      const subjectId = await keys.findSubjectId(em, subject);
      if (!subjectId) return;
      const rows = await query<Record<string, unknown>>(
        em,
        `select f.id, f.created_at, f.activated_at, f.last_used_step, f.failed_attempts, f.lockouts, f.locked_until,
           (select count(*)::int from totp_recovery_code r where r.factor_id = f.id) as codes,
           (select count(*)::int from totp_recovery_code r where r.factor_id = f.id and r.used_at is not null) as used
         from totp_factor f where f.merchant_id = ? and f.subject_id = ?`,
        [subject.merchantId, subjectId],
      );
      for (const f of rows) {
        yield {
          id: f.id,
          state: f.activated_at ? 'active' : 'pending',
          enrolledAt: f.created_at,
          activatedAt: f.activated_at,
          lastCodeAcceptedAt:
            f.last_used_step === null
              ? null
              : new Date(Number(f.last_used_step) * TOTP_PERIOD_SECONDS * 1000),
          failedAttempts: f.failed_attempts,
          lockouts: f.lockouts,
          lockedUntil: f.locked_until,
          recoveryCodes: { issued: f.codes, used: f.used },
        };
      }
    }
    return [{ name: 'totp.factor', source: 'observed', records: factor() }];
  };

/** The factor, its sealed secret and its recovery codes are deleted: no law keeps a second factor. */
export const eraseTotp =
  (keys: SubjectKeys): HookHandler<'subject.erase'> =>
  async ({ em, subject }) => {
    const subjectId = await keys.findSubjectId(em, subject);
    if (!subjectId) return { erased: [], kept: [] };
    await query(em, 'delete from totp_factor where merchant_id = ? and subject_id = ?', [
      subject.merchantId,
      subjectId,
    ]);
    return { erased: ['TotpFactor (with its sealed secret)', 'TotpRecoveryCode'], kept: [] };
  };
