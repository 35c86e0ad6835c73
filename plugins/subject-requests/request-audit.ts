import type { EntityManager } from '@mikro-orm/core';
import type { GatewayServices, Principal } from '../../core/plugin-api.ts';
import type { RequestStatus } from './request-state-machine.ts';
import { type SubjectRequest, SubjectRequestChange } from './subject-request.entity.ts';
import { REQUEST_CHANGED } from './subject-request-event-types.ts';

/** Who acted, as the audit names it; the scheduled pass is `subject-requests`. */
export function actorOf(principal: Principal | null): string {
  if (!principal) return 'subject-requests';
  switch (principal.kind) {
    case 'customer':
      return `customer-session:${principal.sessionId}`;
    case 'anonymous':
      return 'anonymous';
    default:
      return `api-key:${principal.keyId}`;
  }
}

/** What every request event says about the request: partners match it by id, subject and kind. */
export function requestFacts(request: SubjectRequest) {
  return {
    requestId: request.id,
    subjectId: request.subjectId,
    customerId: request.customerId ?? null,
    kind: request.kind,
    dueAt: request.dueAt?.toISOString() ?? null,
  };
}

/**
 * Records one change of a request inside `tx`: the audit row and the `subject_request.changed`
 * event commit with the change itself, or not at all.
 */
export async function recordChange(
  tx: EntityManager,
  services: GatewayServices,
  request: SubjectRequest,
  change: { from: RequestStatus | null; action: string; actor: string; note?: string | null },
): Promise<void> {
  const at = new Date();
  request.updatedAt = at;
  tx.create(SubjectRequestChange, {
    request,
    fromStatus: change.from,
    toStatus: request.status,
    action: change.action,
    actor: change.actor,
    note: change.note ?? null,
    at,
  });
  await tx.flush();
  await services.events.publish(tx, {
    type: REQUEST_CHANGED,
    merchantId: request.merchant.id,
    payload: {
      ...requestFacts(request),
      action: change.action,
      from: change.from,
      to: request.status,
    },
  });
}
