import { GraphQLError } from 'graphql';

export function invalidCursor(cursor: string, reason: string): GraphQLError {
  return new GraphQLError(`The cursor "${cursor.slice(0, 40)}" ${reason}`, {
    extensions: { code: 'INVALID_CURSOR' },
  });
}

export function cursorExpired(cursor: bigint, purgedThrough: bigint, retentionDays: number): GraphQLError {
  return new GraphQLError(
    `Events after cursor ${cursor} up to ${purgedThrough} were purged (events are kept ${retentionDays} days); reconcile, then subscribe with after: "${purgedThrough}"`,
    { extensions: { code: 'CURSOR_EXPIRED', resumeFrom: purgedThrough.toString() } },
  );
}

export function invalidTypes(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

export function merchantNotVisible(merchantId: string): GraphQLError {
  return new GraphQLError(`Merchant ${merchantId} has not granted this principal access to its events`, {
    extensions: { code: 'FORBIDDEN' },
  });
}

/** A producer's mistake (bad type name, payload not matching its declared schema): its transaction rolls back. */
export class EventPublishError extends Error {}
