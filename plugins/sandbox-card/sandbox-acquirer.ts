import { type EntityManager, LockMode, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Money } from '../../core/money/money.ts';
import type { DeclineReason, MethodOperation, MethodOutcome } from '../../core/payments/payment-method.ts';
import { isExpired } from './card-input.ts';
import type { SandboxCardToken } from './card-token.entity.ts';
import { SandboxCardAuthorization } from './network-authorization.entity.ts';
import { type OperationKind, SandboxCardOperation } from './network-operation.entity.ts';
import { CARD_DECLINES, type CardDecline, SANDBOX_3DS_ANSWER } from './test-cards.ts';

/** How the network's answer reaches the gateway: at once, late, or never (the connection drops). */
export type Delivery = 'now' | 'slow' | 'lost';

export interface NetworkReply {
  outcome: MethodOutcome;
  delivery: Delivery;
}

export interface AuthorizationRequest {
  reference: string;
  operationKey: string;
  token: SandboxCardToken;
  merchantId: string;
  amount: Money;
}

export interface FollowUpRequest {
  reference: string;
  operationKey: string;
  amount: Money;
}

type Verdict = { approved: true } | { approved: false; reason: DeclineReason; message: string };

const DECLINE_MESSAGES: Record<CardDecline | 'authentication_failed', string> = {
  do_not_honor: 'The issuer declined the card',
  insufficient_funds: 'The card has insufficient funds',
  stolen_card: 'The card was reported stolen',
  lost_card: 'The card was reported lost',
  expired_card: 'The card has expired',
  incorrect_cvc: 'The CVC is incorrect',
  authentication_failed: 'The 3-D Secure challenge failed',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const decline = (reason: DeclineReason, message: string): Verdict => ({ approved: false, reason, message });

function isCardDecline(behaviour: string): behaviour is CardDecline {
  return (CARD_DECLINES as readonly string[]).includes(behaviour);
}

/**
 * A faithful fake of a card acquirer: the outside world the gateway talks to. It keeps its
 * own records, is idempotent on the gateway's operation keys like a real acquirer, never
 * captures more than was authorized nor refunds more than was captured, and answers
 * `status` from what it recorded, whatever became of its replies.
 */
export class SandboxAcquirer {
  readonly #challengeTtlMs: number;

  constructor(options: { challengeTtlMs: number }) {
    this.#challengeTtlMs = options.challengeTtlMs;
  }

  async authorize(em: EntityManager, request: AuthorizationRequest): Promise<NetworkReply> {
    const known = await em.findOne(SandboxCardAuthorization, { operationKey: request.operationKey });
    if (known) return { outcome: this.#replay(known, request), delivery: 'now' };
    const now = new Date();
    const { token, amount } = request;
    const verdict: Verdict =
      amount.amount <= 0n
        ? decline('do_not_honor', 'The amount must be positive')
        : isExpired(token.expMonth, token.expYear, now)
          ? decline('expired_card', DECLINE_MESSAGES.expired_card)
          : isCardDecline(token.behaviour)
            ? decline(token.behaviour, DECLINE_MESSAGES[token.behaviour])
            : { approved: true };
    const challenge = verdict.approved && token.behaviour === 'three_ds';
    const authorization = em.create(SandboxCardAuthorization, {
      id: request.reference,
      operationKey: request.operationKey,
      token,
      merchantId: request.merchantId,
      currency: amount.currency,
      amount: amount.amount,
      status: !verdict.approved ? 'declined' : challenge ? 'requires_action' : 'authorized',
      declineReason: verdict.approved ? null : (verdict.reason as SandboxCardAuthorization['declineReason']),
      challengeExpiresAt: challenge ? new Date(now.getTime() + this.#challengeTtlMs) : null,
    });
    try {
      await em.flush();
    } catch (error) {
      if (!(error instanceof UniqueConstraintViolationException)) throw error;
      // The same request arrived twice at once; the other one was recorded first.
      const first = await em.fork().findOneOrFail(SandboxCardAuthorization, {
        operationKey: request.operationKey,
      });
      return { outcome: this.#replay(first, request), delivery: 'now' };
    }
    const delivery: Delivery =
      token.behaviour === 'timeout' ? 'lost' : token.behaviour === 'slow' ? 'slow' : 'now';
    const outcome: MethodOutcome = verdict.approved
      ? outcomeOf(authorization)
      : { status: 'declined', reason: verdict.reason, message: verdict.message, reference: authorization.id };
    return { outcome, delivery };
  }

  /** Completes a 3-D Secure challenge. */
  confirm(em: EntityManager, request: FollowUpRequest, answer: string): Promise<MethodOutcome> {
    return this.#followUp(em, 'confirm', request, (auth) => {
      if (auth.status !== 'requires_action') return null;
      const expired = !auth.challengeExpiresAt || auth.challengeExpiresAt.getTime() <= Date.now();
      if (!expired && answer === SANDBOX_3DS_ANSWER) {
        auth.status = 'authorized';
        return { approved: true };
      }
      auth.status = 'declined';
      auth.declineReason = 'authentication_failed';
      return decline(
        'authentication_failed',
        expired ? 'The 3-D Secure challenge expired' : DECLINE_MESSAGES.authentication_failed,
      );
    });
  }

  capture(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'capture', request, (auth) => {
      const amount = request.amount.amount;
      if (auth.status !== 'authorized')
        return decline('do_not_honor', `Cannot capture an authorization that is ${auth.status}`);
      if (amount <= 0n) return decline('do_not_honor', 'The capture amount must be positive');
      if (auth.captured + amount > auth.amount)
        return decline('do_not_honor', 'The capture exceeds what remains of the authorization');
      auth.captured += amount;
      return { approved: true };
    });
  }

  /** Releases what is authorized and not captured. */
  void(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'void', request, (auth) => {
      if (auth.status === 'declined')
        return decline('do_not_honor', 'The authorization was declined; nothing to void');
      if (auth.status === 'requires_action') {
        // The challenge is abandoned: the issuer never authorized, and `status` must say so.
        auth.status = 'declined';
        auth.declineReason = 'authentication_failed';
      } else {
        auth.status = 'voided';
      }
      auth.challengeExpiresAt = null;
      return { approved: true };
    });
  }

  refund(em: EntityManager, request: FollowUpRequest): Promise<MethodOutcome> {
    return this.#followUp(em, 'refund', request, (auth) => {
      const amount = request.amount.amount;
      if (amount <= 0n) return decline('do_not_honor', 'The refund amount must be positive');
      if (auth.refunded + amount > auth.captured)
        return decline('do_not_honor', 'The refund exceeds what was captured and not yet refunded');
      auth.refunded += amount;
      return { approved: true };
    });
  }

  /** What the network recorded for an operation, whether or not its reply ever arrived. */
  async status(
    em: EntityManager,
    query: { reference: string; operationKey: string; operation: MethodOperation },
  ): Promise<MethodOutcome> {
    if (query.operation === 'authorize') {
      const auth = await em.findOne(SandboxCardAuthorization, {
        $or: [
          ...(UUID.test(query.reference) ? [{ id: query.reference }] : []),
          { operationKey: query.operationKey },
        ],
      });
      return auth
        ? outcomeOf(auth)
        : {
            status: 'declined',
            reason: 'do_not_honor',
            message: 'The network never received this authorization',
          };
    }
    const operation = await em.findOne(SandboxCardOperation, { operationKey: query.operationKey });
    return operation
      ? operationOutcome(operation, query.reference)
      : {
          status: 'declined',
          reason: 'do_not_honor',
          message: `The network never received this ${query.operation}`,
          reference: query.reference,
        };
  }

  #replay(auth: SandboxCardAuthorization, request: AuthorizationRequest): MethodOutcome {
    const same =
      auth.token.id === request.token.id &&
      auth.amount === request.amount.amount &&
      auth.currency === request.amount.currency;
    return same
      ? outcomeOf(auth)
      : {
          status: 'declined',
          reason: 'do_not_honor',
          message: 'The operation key was used for another request',
        };
  }

  /**
   * One follow-up on an authorization, under a row lock so that concurrent captures and
   * refunds see each other; an operation key seen before gets its first answer again.
   */
  async #followUp(
    em: EntityManager,
    kind: OperationKind,
    request: FollowUpRequest,
    decide: (auth: SandboxCardAuthorization) => Verdict | null,
  ): Promise<MethodOutcome> {
    if (!UUID.test(request.reference)) return unknownReference(request.reference);
    return em.transactional(async (tx) => {
      const auth = await tx.findOne(
        SandboxCardAuthorization,
        { id: request.reference },
        { lockMode: LockMode.PESSIMISTIC_WRITE },
      );
      if (!auth) return unknownReference(request.reference);
      const previous = await tx.findOne(SandboxCardOperation, { operationKey: request.operationKey });
      if (previous) {
        const same =
          previous.kind === kind &&
          previous.authorization.id === auth.id &&
          previous.amount === request.amount.amount;
        return same
          ? operationOutcome(previous, auth.id)
          : {
              status: 'declined',
              reason: 'do_not_honor',
              message: 'The operation key was used for another request',
              reference: auth.id,
            };
      }
      if (request.amount.currency !== auth.currency) {
        return {
          status: 'declined',
          reason: 'do_not_honor',
          message: `The authorization is in ${auth.currency}`,
          reference: auth.id,
        };
      }
      const verdict = decide(auth);
      // Nothing to decide (e.g. a challenge answered twice): report the authorization as it stands.
      if (!verdict) return outcomeOf(auth);
      const operation = tx.create(SandboxCardOperation, {
        operationKey: request.operationKey,
        authorization: auth,
        kind,
        amount: request.amount.amount,
        approved: verdict.approved,
        declineReason: verdict.approved ? null : (verdict.reason as SandboxCardOperation['declineReason']),
        message: verdict.approved ? null : verdict.message,
      });
      await tx.flush();
      return operationOutcome(operation, auth.id);
    });
  }
}

function unknownReference(reference: string): MethodOutcome {
  return {
    status: 'declined',
    reason: 'do_not_honor',
    message: `The network has no authorization ${reference}`,
  };
}

function operationOutcome(operation: SandboxCardOperation, reference: string): MethodOutcome {
  return operation.approved
    ? { status: 'approved', reference }
    : {
        status: 'declined',
        reason: operation.declineReason ?? 'do_not_honor',
        message: operation.message ?? DECLINE_MESSAGES.do_not_honor,
        reference,
      };
}

export function outcomeOf(auth: SandboxCardAuthorization): MethodOutcome {
  switch (auth.status) {
    case 'requires_action':
      return {
        status: 'action_required',
        reference: auth.id,
        action: {
          type: 'three_ds',
          hint: `Sandbox 3-D Secure: answer ${SANDBOX_3DS_ANSWER} to pass the challenge; any other answer fails it`,
          expiresAt: auth.challengeExpiresAt ?? new Date(),
        },
      };
    case 'declined': {
      const reason = auth.declineReason ?? 'do_not_honor';
      return { status: 'declined', reason, message: DECLINE_MESSAGES[reason], reference: auth.id };
    }
    case 'authorized':
    case 'voided':
      return { status: 'approved', reference: auth.id };
  }
}
