import type { EntityManager } from '@mikro-orm/core';
import { query } from '../db/sql.ts';
import type { SubjectSection } from '../privacy/subject-hooks.ts';
import { subjectRows } from '../privacy/subject-rows.ts';
import type { AuthService } from './auth.service.ts';

/**
 * The subject's customer sessions: when each was minted, until when it was valid, when it was
 * revoked. Never the token nor its hash. A subject may hold many over the years: keyset-paged.
 */
export function customerSessionsSection(
  em: EntityManager,
  subjectId: () => Promise<string | null>,
): SubjectSection {
  async function* records() {
    const id = await subjectId();
    if (!id) return;
    yield* subjectRows(
      em,
      {
        select: `id, created_at as "createdAt", expires_at as "expiresAt", revoked_at as "revokedAt"`,
        from: 'customer_session',
        where: 'subject_id = ?',
      },
      [id],
    );
  }
  return { name: 'auth.customer-sessions', source: 'observed', records: records() };
}

/**
 * Ends the subject's sessions (every process drops them at once, as a revocation does) and
 * deletes them: a session is a credential and a trace of use, and no law keeps either.
 */
export async function eraseCustomerSessions(
  em: EntityManager,
  auth: AuthService,
  subjectId: string,
): Promise<readonly string[]> {
  await auth.endSessionsOf(em, subjectId);
  await query(em, 'delete from customer_session where subject_id = ?', [subjectId]);
  return ['CustomerSession'];
}
