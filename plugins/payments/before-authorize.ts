import type { HookAnswerOf, Money, RequestContext } from '../../core/plugin-api.ts';

/**
 * `payment.beforeAuthorize`: asked for every payment of every method (the wallet's batched
 * path included) after its input is checked and before any money moves. Fraud rules,
 * regulation packs and limits answer it; the payments plugin declares and runs it.
 */

/** From least to most strict: the combined answer is the strictest one given. */
export const AUTHORIZE_DECISIONS = ['allow', 'challenge', 'review', 'block'] as const;
export type AuthorizeDecision = (typeof AUTHORIZE_DECISIONS)[number];

export interface AuthorizeVerdict {
  /**
   * `allow`: go on. `challenge`: the caller must pass a fresh step-up first (a TOTP code, or the
   * method's own code where it has one). `review`: authorize, but capture only once a person
   * approves. `block`: refuse; nothing moves.
   */
  readonly decision: AuthorizeDecision;
  /** 0-100: how risky the handler judged the payment. */
  readonly score: number;
  /** Plain words the caller can show, e.g. "5 gift cards of the same amount in 10 minutes". */
  readonly reasons: readonly string[];
}

/**
 * What the caller tells about the circumstances of a payment, for fraud checks. Nothing of it
 * is stored by the payments plugin: a handler that keeps any of it maps it in its own data map.
 */
export interface PaymentRiskContext {
  /** The payer's device, as the merchant's app identifies it. */
  readonly deviceId: string | null;
  /** The payer's IP address: the merchant server's customer's if it passed one, else the request's. */
  readonly ip: string | null;
  /** Who receives what is bought (a gift card's PIN), when not the payer: a phone (E.164) or an email. */
  readonly recipient: string | null;
}

/** What a handler is asked about: the payment as requested, before it exists. */
export interface BeforeAuthorizeInput {
  readonly ctx: RequestContext;
  /** The id the payment will have if it is created: a handler may store its answer under it. */
  readonly paymentId: string;
  readonly merchantId: string;
  readonly customerId: string;
  readonly method: string;
  readonly sourceId: string;
  readonly amount: Money;
  readonly captureMethod: 'automatic' | 'manual';
  readonly risk: PaymentRiskContext;
}

/** The answers of every handler combined: the strictest decision, the highest score. */
export interface CombinedVerdict extends AuthorizeVerdict {
  /** Each handler's own answer, in plugin dependency order. */
  readonly by: readonly (AuthorizeVerdict & { readonly plugin: string })[];
}

export const ALLOW: CombinedVerdict = { decision: 'allow', score: 0, reasons: [], by: [] };

const rank = (decision: AuthorizeDecision) => AUTHORIZE_DECISIONS.indexOf(decision);

/**
 * The one rule for combining answers: the strictest decision wins (a person's review outranks
 * the payer's own proof, and a block outranks both); the score is the highest given; the reasons
 * are those of every answer stricter than `allow`, strictest first.
 */
export function combineVerdicts(
  answers: readonly HookAnswerOf<'payment.beforeAuthorize'>[],
): CombinedVerdict {
  if (answers.length === 0) return ALLOW;
  const by = answers.map(({ plugin, answer }) => ({ plugin, ...answer }));
  const strictest = by.reduce((a, b) => (rank(b.decision) > rank(a.decision) ? b : a));
  const reasons = by
    .filter((answer) => answer.decision !== 'allow')
    .sort((a, b) => rank(b.decision) - rank(a.decision))
    .flatMap((answer) => answer.reasons);
  return { decision: strictest.decision, score: Math.max(...by.map((a) => a.score)), reasons, by };
}
