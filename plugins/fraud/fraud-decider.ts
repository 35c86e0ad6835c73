import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { query, type RequestContext } from '../../core/plugin-api.ts';
import { type AuthorizeVerdict, type BeforeAuthorizeInput, Customer } from '../payments/api.ts';
import type { FraudRuleService } from './fraud-rule.service.ts';
import { decide, type RulesVerdict } from './fraud-rules.ts';
import { PgFeatureStore } from './pg-feature-store.ts';
import { type AttemptFacts, riskFeatures } from './risk-features.ts';
import { combine, type RiskModel, scoreModel } from './risk-model.ts';

/**
 * Keyed indexes of device, IP, instrument and recipient are gateway-wide, not per merchant:
 * a cash-out ring uses the same phones and redeemers at every gift-card shop. No merchant sees
 * another's values, only counts that include them.
 */
const GATEWAY_WIDE = 'gateway';

/**
 * The fraud plugin's answer to `payment.beforeAuthorize`, in one transaction: counts the
 * attempt's velocity windows under its keys' locks (`fraud_attempt_windows`, PgFeatureStore), runs
 * the rules in Radar's order and the model, combines them (`combine`), stores the attempt with its
 * decision (one insert: the row is written once, migration 0004) and emits `fraud.decided`. One
 * commit, so an attempt is never stored without its decision; the keys' advisory locks are held
 * until it, so the next attempt sharing a key counts this one.
 *
 * The commit is synchronous, whatever the decision: an allowed attempt whose payment then fails
 * writes nothing after it, and its decision and `fraud.decided` event must survive a crash too
 * (an asynchronous commit for allowed attempts was measured: no CPU gain, BENCHMARKS.md).
 */
export class FraudDecider {
  /** Categories as good as cash (the plugin's option), passed to the store. */
  readonly #cashCategories: readonly string[];
  readonly #rules: FraudRuleService;
  /** Null: rules alone (the plugin's `model` option is off). */
  readonly #model: RiskModel | null;

  constructor(cashCategories: readonly string[], rules: FraudRuleService, model: RiskModel | null) {
    this.#cashCategories = cashCategories;
    this.#rules = rules;
    this.#model = model;
  }

  async decide(input: BeforeAuthorizeInput): Promise<AuthorizeVerdict> {
    const { ctx } = input;
    const facts = await this.#facts(input);
    const verdict = await ctx.em.fork().transactional(async (tx) => {
      const store = new PgFeatureStore(tx, this.#cashCategories);
      const recorded = await store.windows(facts);
      const features = riskFeatures(facts, recorded);
      const rules = await this.#rules.compiled(tx, recorded.rulesVersion);
      const model = this.#model ? scoreModel(this.#model, features) : null;
      const automated = combine(decide(rules, input.merchantId, features), model);
      const verdict = automated.decision === 'allow' ? automated : await overridden(tx, facts, automated);
      await store.store(facts, recorded, verdict, features);
      await ctx.services.events.publish(tx, {
        type: 'fraud.decided',
        merchantId: input.merchantId,
        payload: {
          attemptId: facts.id,
          paymentId: input.paymentId,
          customerId: input.customerId,
          decision: verdict.decision,
          score: verdict.score,
          reasons: [...verdict.reasons],
          rules: [...verdict.matched],
        },
      });
      return verdict;
    });
    if (verdict.decision !== 'allow') {
      ctx.log.info(
        { attemptId: facts.id, decision: verdict.decision, score: verdict.score },
        'fraud decision',
      );
    }
    return { decision: verdict.decision, score: verdict.score, reasons: verdict.reasons };
  }

  async #facts(input: BeforeAuthorizeInput): Promise<AttemptFacts> {
    const { ctx, risk } = input;
    const { em } = ctx;
    const index = ctx.services.privacy.blindIndex;
    const id = randomUUID();
    const [device, ip, instrument, recipient] = await Promise.all([
      risk.deviceId === null ? null : index.of(em, 'fraud-device', GATEWAY_WIDE, risk.deviceId),
      risk.ip === null ? null : index.of(em, 'fraud-ip', GATEWAY_WIDE, risk.ip),
      index.of(em, 'fraud-instrument', GATEWAY_WIDE, `${input.method}\u0000${input.sourceId}`),
      risk.recipient === null
        ? null
        : index.of(em, 'fraud-recipient', GATEWAY_WIDE, risk.recipient.toLowerCase()),
    ]);
    return {
      id,
      paymentId: input.paymentId,
      merchantId: input.merchantId,
      customerId: input.customerId,
      method: input.method,
      amount: input.amount.amount,
      currency: input.amount.currency,
      // The merchant's, as the store has it (PgFeatureStore reads the profile in the same statement).
      category: null,
      device,
      ip,
      instrument,
      recipient,
      recipientSealed: risk.recipient === null ? null : await sealRecipient(ctx, input, id, risk.recipient),
    };
  }
}

/**
 * A person approved an identical earlier attempt this decision would refuse again (the override
 * of a block or challenge, fraud-review.service.ts): it goes through once, and says why. Only
 * asked when the automated answer is not allow, so the allowed path pays nothing for it; the row
 * is taken under lock in the decision's own transaction, so two retries cannot both use it.
 */
async function overridden(
  tx: EntityManager,
  facts: AttemptFacts,
  automated: RulesVerdict,
): Promise<RulesVerdict> {
  const [used] = await query<{ attempt_id: string }>(
    tx,
    `update fraud_review set allow_used_by = ?, updated_at = clock_timestamp()
     where attempt_id = (
       select r.attempt_id from fraud_review r join fraud_attempt a on a.id = r.attempt_id
       where r.customer_id = ? and r.allow_until > clock_timestamp() and r.allow_used_by is null
         and a.merchant_id = ? and a.amount = ? and a.currency = ? and a.instrument_index = ?
       order by r.allow_until limit 1 for update of r skip locked)
     returning attempt_id`,
    [facts.id, facts.customerId, facts.merchantId, facts.amount, facts.currency, facts.instrument],
  );
  if (!used) return automated;
  return {
    ...automated,
    decision: 'allow',
    reasons: ['a person approved an identical earlier payment that was refused (override)'],
  };
}

/** The recipient under the payer's own key: shredding the payer's key erases it with the rest. */
async function sealRecipient(
  ctx: RequestContext,
  input: BeforeAuthorizeInput,
  attemptId: string,
  recipient: string,
): Promise<string | null> {
  const customer = await ctx.em.findOne(Customer, { id: input.customerId, merchant: input.merchantId });
  // No such customer: the payment fails next, and nothing about a stranger is kept.
  if (!customer) return null;
  const { keys } = ctx.services.privacy;
  // An erased payer's reference is gone with its key: nothing more about them is kept.
  if ((await keys.customerRef(ctx.em, customer.subject.id)) === null) return null;
  return keys.seal(ctx.em, customer.subject.id, recipient, `FraudAttempt.recipientSealed:${attemptId}`);
}
