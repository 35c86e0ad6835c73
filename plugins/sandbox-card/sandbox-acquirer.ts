import { type EntityManager, UniqueConstraintViolationException } from '@mikro-orm/core';
import type { Money } from '../../core/plugin-api.ts';
import {
  decline,
  type FollowUpRequest,
  type MethodOperation,
  type MethodOutcome,
  SimulatedNetwork,
  type Verdict,
} from '../payments/api.ts';
import { isExpired } from './card-input.ts';
import type { SandboxCardToken } from './card-token.entity.ts';
import { SandboxCardAuthorization } from './network-authorization.entity.ts';
import { SandboxCardOperation } from './network-operation.entity.ts';
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

export type { FollowUpRequest };

type NetworkDecline = NonNullable<SandboxCardAuthorization['declineReason']>;

const DECLINE_MESSAGES: Record<CardDecline | 'authentication_failed', string> = {
  do_not_honor: 'The issuer declined the card',
  insufficient_funds: 'The card has insufficient funds',
  stolen_card: 'The card was reported stolen',
  lost_card: 'The card was reported lost',
  expired_card: 'The card has expired',
  incorrect_cvc: 'The CVC is incorrect',
  authentication_failed: 'The 3-D Secure challenge failed',
};

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
  readonly #network = new SimulatedNetwork({
    party: 'network',
    noun: 'authorization',
    record: SandboxCardAuthorization,
    operation: SandboxCardOperation,
    link: 'authorization',
    declined: DECLINE_MESSAGES.do_not_honor,
    outcomeOf,
  });

  constructor(options: { challengeTtlMs: number }) {
    this.#challengeTtlMs = options.challengeTtlMs;
  }

  async authorize(em: EntityManager, request: AuthorizationRequest): Promise<NetworkReply> {
    const known = await em.findOne(SandboxCardAuthorization, { operationKey: request.operationKey });
    if (known) return { outcome: this.#replay(known, request), delivery: 'now' };
    const now = new Date();
    const { token, amount } = request;
    const verdict: Verdict<NetworkDecline> =
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
      declineReason: verdict.approved ? null : verdict.reason,
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
    return this.#network.followUp(em, 'confirm', request, (auth) => {
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
    return this.#network.followUp(em, 'capture', request, (auth) => {
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
    return this.#network.followUp(em, 'void', request, (auth) => {
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
    return this.#network.followUp(em, 'refund', request, (auth) => {
      const amount = request.amount.amount;
      if (amount <= 0n) return decline('do_not_honor', 'The refund amount must be positive');
      if (auth.refunded + amount > auth.captured)
        return decline('do_not_honor', 'The refund exceeds what was captured and not yet refunded');
      auth.refunded += amount;
      return { approved: true };
    });
  }

  /** What the network recorded for an operation, whether or not its reply ever arrived. */
  status(
    em: EntityManager,
    query: { reference: string; operationKey: string; operation: MethodOperation },
  ): Promise<MethodOutcome> {
    return this.#network.status(em, query);
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
