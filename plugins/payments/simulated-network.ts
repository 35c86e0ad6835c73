import {
  type EntityClass,
  type EntityManager,
  type FilterQuery,
  LockMode,
  type RequiredEntityData,
} from '@mikro-orm/core';
import { isUuid, type Money } from '../../core/plugin-api.ts';
import type { DeclineReason, MethodOperation, MethodOutcome } from './payment-method.ts';

export interface FollowUpRequest {
  reference: string;
  operationKey: string;
  amount: Money;
}

export type Verdict<Reason extends DeclineReason = DeclineReason> =
  | { approved: true }
  | { approved: false; reason: Reason; message: string };

export const decline = <Reason extends DeclineReason>(reason: Reason, message: string): Verdict<Reason> => ({
  approved: false,
  reason,
  message,
});

/** What the network agreed to first (a charge, an authorization) and follow-ups act on. */
interface NetworkRecord {
  id: string;
  currency: string;
}

interface RecordedOperation {
  kind: string;
  amount: bigint;
  approved: boolean;
  declineReason?: DeclineReason | null;
  message?: string | null;
}

export interface SimulatedNetworkOptions<
  R extends NetworkRecord,
  O extends RecordedOperation,
  Link extends keyof O,
> {
  /** As messages name them: "The carrier has no charge …". */
  party: string;
  noun: string;
  record: EntityClass<R>;
  operation: EntityClass<O>;
  /** The operation's relation to its record. */
  link: Link;
  /** Relations that `outcomeOf` and `decide` read. */
  populate?: readonly (keyof R & string)[];
  /** For a recorded decline without a message of its own. */
  declined: string;
  outcomeOf: (record: R) => MethodOutcome;
}

/**
 * What every simulated external network must do like a real one, so that the gateway's
 * retries and `status` queries are tested against the real thing: follow-ups idempotent on the
 * gateway's operation keys, and `status` answered from its own records, whatever became of
 * its replies.
 */
export class SimulatedNetwork<
  R extends NetworkRecord,
  O extends RecordedOperation & Record<Link, { id: string }>,
  Link extends keyof O,
> {
  readonly #options: SimulatedNetworkOptions<R, O, Link>;

  constructor(options: SimulatedNetworkOptions<R, O, Link>) {
    this.#options = options;
  }

  /**
   * Under the record's row lock, so that concurrent follow-ups see each other; an operation key
   * seen before gets its first answer again. `decide` returns null when there is nothing to
   * decide (a challenge answered twice): the record is reported as it stands.
   */
  async followUp<E extends EntityManager>(
    em: E,
    kind: O['kind'],
    request: FollowUpRequest,
    decide: (record: R, tx: E) => MaybePromise<Verdict<NonNullable<O['declineReason']>> | null>,
  ): Promise<MethodOutcome> {
    const { link, populate, noun } = this.#options;
    if (!isUuid(request.reference)) return this.#unknown(request.reference);
    return em.transactional(async (tx) => {
      const record = await tx.findOne(this.#options.record, { id: request.reference } as FilterQuery<R>, {
        lockMode: LockMode.PESSIMISTIC_WRITE,
      });
      if (!record) return this.#unknown(request.reference);
      if (populate) await tx.populate(record, populate as never);
      const previous = await tx.findOne(this.#options.operation, {
        operationKey: request.operationKey,
      } as FilterQuery<O>);
      if (previous) {
        const same =
          previous.kind === kind &&
          previous[link].id === record.id &&
          previous.amount === request.amount.amount;
        return same
          ? this.#outcomeOfOperation(previous, record.id)
          : {
              status: 'declined',
              reason: 'do_not_honor',
              message: 'The operation key was used for another request',
              reference: record.id,
            };
      }
      if (request.amount.currency !== record.currency) {
        return {
          status: 'declined',
          reason: 'do_not_honor',
          message: `The ${noun} is in ${record.currency}`,
          reference: record.id,
        };
      }
      const verdict = await decide(record, tx);
      if (!verdict) return this.#options.outcomeOf(record);
      const operation = tx.create(this.#options.operation, {
        operationKey: request.operationKey,
        [link]: record,
        kind,
        amount: request.amount.amount,
        approved: verdict.approved,
        declineReason: verdict.approved ? null : verdict.reason,
        message: verdict.approved ? null : verdict.message,
      } as unknown as RequiredEntityData<O>);
      await tx.flush();
      return this.#outcomeOfOperation(operation, record.id);
    });
  }

  async status(
    em: EntityManager,
    query: { reference: string; operationKey: string; operation: MethodOperation },
  ): Promise<MethodOutcome> {
    const { populate, party, noun } = this.#options;
    if (query.operation === 'authorize') {
      const record = await em.findOne(
        this.#options.record,
        {
          $or: [
            ...(isUuid(query.reference) ? [{ id: query.reference }] : []),
            { operationKey: query.operationKey },
          ],
        } as FilterQuery<R>,
        { populate: populate as never },
      );
      return record
        ? this.#options.outcomeOf(record)
        : { status: 'not_received', message: `The ${party} never received this ${noun}` };
    }
    const operation = await em.findOne(this.#options.operation, {
      operationKey: query.operationKey,
    } as FilterQuery<O>);
    return operation
      ? this.#outcomeOfOperation(operation, query.reference)
      : {
          status: 'not_received',
          message: `The ${party} never received this ${query.operation}`,
          reference: query.reference,
        };
  }

  #unknown(reference: string): MethodOutcome {
    const { party, noun } = this.#options;
    return {
      status: 'declined',
      reason: 'do_not_honor',
      message: `The ${party} has no ${noun} ${reference}`,
    };
  }

  #outcomeOfOperation(operation: O, reference: string): MethodOutcome {
    return operation.approved
      ? { status: 'approved', reference }
      : {
          status: 'declined',
          reason: operation.declineReason ?? 'do_not_honor',
          message: operation.message ?? this.#options.declined,
          reference,
        };
  }
}

type MaybePromise<T> = T | Promise<T>;
