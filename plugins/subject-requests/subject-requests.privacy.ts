import type { EntityManager } from '@mikro-orm/core';
import type { DataSubject, GatewayServices, SubjectErasure, SubjectSection } from '../../core/plugin-api.ts';
import { SubjectRequest } from './subject-request.entity.ts';

/** A subject's own requests are part of what it may read: kinds, dates, statuses and answers. */
export function exportRequests(services: GatewayServices) {
  return async ({ em, subject }: { em: EntityManager; subject: DataSubject }): Promise<SubjectSection[]> => {
    const subjectId = await services.privacy.keys.findSubjectId(em, subject);
    if (!subjectId) return [];
    const requests = await em.find(SubjectRequest, { subjectId }, { orderBy: { receivedAt: 'asc' } });
    async function* records() {
      for (const r of requests)
        yield {
          id: r.id,
          kind: r.kind,
          status: r.status,
          channel: r.channel,
          receivedAt: r.receivedAt.toISOString(),
          dueAt: r.dueAt?.toISOString() ?? null,
          completedAt: r.completedAt?.toISOString() ?? null,
          answer: r.answer ?? null,
        };
    }
    return [{ name: 'subject-requests', source: 'provided', records: records() }];
  };
}

/**
 * Requests are the proof that the subject's rights were answered (GDPR Art. 5(2) and 12): they
 * stay, without anything personal in clear; their sealed details (correction values) become
 * unreadable with the subject's key.
 */
export async function eraseRequests(): Promise<SubjectErasure> {
  return {
    erased: ['subject request details (sealed under the subject’s key)'],
    kept: [
      {
        what: 'subject requests: kinds, dates, statuses, answers',
        rule: 'GDPR Art. 5(2) and 12 (proof the request was answered); Cal. Code Regs. 11 CCR 7101 (24 months)',
        until: null,
      },
    ],
  };
}
