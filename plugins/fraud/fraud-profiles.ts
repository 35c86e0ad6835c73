import {
  type AuthenticatedContext,
  isUuid,
  Merchant,
  NotFoundError,
  type OperatorContext,
  query,
  type RequestContext,
} from '../../core/plugin-api.ts';
import type { AuthorizeDecision } from '../payments/api.ts';
import type { FraudDecisionView } from './fraud-decision.ts';
import { FraudMerchantProfile, type MerchantCategory } from './fraud-merchant-profile.entity.ts';

interface DecisionRow {
  id: string;
  payment_id: string;
  merchant_id: string;
  customer_id: string;
  decision: AuthorizeDecision;
  score: number;
  reasons: string[];
  matched_rules: FraudDecisionView['rules'];
  created_at: Date | string;
}

const toView = (row: DecisionRow): FraudDecisionView => ({
  attemptId: row.id,
  paymentId: row.payment_id,
  merchantId: row.merchant_id,
  customerId: row.customer_id,
  decision: row.decision,
  score: Number(row.score),
  reasons: row.reasons,
  rules: row.matched_rules,
  createdAt: new Date(row.created_at),
});

const COLUMNS =
  'id, payment_id, merchant_id, customer_id, decision, score, reasons, matched_rules, created_at';

/** Reads of stored decisions, and the merchants' categories. */
export class FraudProfiles {
  /** The decision stored under a payment the caller can already see. */
  async decisionOf(ctx: RequestContext, paymentId: string): Promise<FraudDecisionView | null> {
    const [row] = await query<DecisionRow>(
      ctx.em,
      `select ${COLUMNS} from fraud_attempt where payment_id = ? and decision is not null limit 1`,
      [paymentId],
    );
    return row ? toView(row) : null;
  }

  /**
   * A merchant sees its own; an operator every merchant's; a customer session those about its
   * payer (a blocked attempt's id is how the payer asks for its review).
   */
  async recentDecisions(
    ctx: AuthenticatedContext,
    decision: AuthorizeDecision | null,
    first: number,
  ): Promise<FraudDecisionView[]> {
    const { principal } = ctx;
    if (principal.kind === 'partner') return [];
    const merchantId = principal.kind === 'operator' ? null : principal.merchantId;
    const subjectId = principal.kind === 'customer' ? principal.subjectId : null;
    const rows = await query<DecisionRow>(
      ctx.em,
      `select ${COLUMNS} from fraud_attempt
       where decision is not null and (?::text is null or decision = ?) and (?::uuid is null or merchant_id = ?::uuid)
         and (?::uuid is null or customer_id in (select c.id from customer c where c.merchant_id = ?::uuid and c.subject_id = ?::uuid))
       order by created_at desc limit ?`,
      [
        decision,
        decision,
        merchantId,
        merchantId,
        subjectId,
        merchantId,
        subjectId,
        Math.min(Math.max(first, 1), 200),
      ],
    );
    return rows.map(toView);
  }

  async categoryOf(ctx: RequestContext, merchantId: string): Promise<MerchantCategory | null> {
    const profile = await ctx.em.findOne(FraudMerchantProfile, { merchantId });
    return (profile?.category as MerchantCategory | undefined) ?? null;
  }

  async setCategory(ctx: OperatorContext, merchantId: string, category: MerchantCategory): Promise<Merchant> {
    const merchant = isUuid(merchantId) ? await ctx.em.findOne(Merchant, { id: merchantId }) : null;
    if (!merchant) throw new NotFoundError('Merchant', merchantId);
    await query(
      ctx.em,
      `insert into fraud_merchant_profile (merchant_id, category, updated_at) values (?, ?, now())
       on conflict (merchant_id) do update set category = excluded.category, updated_at = excluded.updated_at`,
      [merchantId, category],
    );
    ctx.log.info({ merchantId, category }, 'merchant category set');
    return merchant;
  }
}
