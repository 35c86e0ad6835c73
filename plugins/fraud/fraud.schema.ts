import {
  type GatewayBuilder,
  isUuid,
  Merchant,
  NotFoundError,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { FraudRuleInvalidError } from './fraud.errors.ts';
import { backtestCondition, type FraudBacktest } from './fraud-backtest.ts';
import { AUTHORIZE_DECISION_VALUES, type FraudDecisionView } from './fraud-decision.ts';
import { MERCHANT_CATEGORIES } from './fraud-merchant-profile.entity.ts';
import type { FraudProfiles } from './fraud-profiles.ts';
import { registerFraudReviewSchema } from './fraud-review.schema.ts';
import type { FraudReviewService } from './fraud-review.service.ts';
import type { FraudRuleInput, FraudRuleService } from './fraud-rule.service.ts';
import { type FraudRuleVersion, RULE_ACTIONS } from './fraud-rules.ts';

const OPERATOR = { operator: true } as const;
/** The decision on a payment: the merchant's, an operator's, and the payer's own (GDPR Art. 22, PIPA Art. 37-2). */
const DECISION_READERS = { $any: { operator: true, merchant: true, customer: true } } as const;
const RULE_ERRORS = [FraudRuleInvalidError, ValidationError, NotFoundError];

export function registerFraudSchema(
  builder: GatewayBuilder,
  rules: FraudRuleService,
  profiles: FraudProfiles,
  reviews: FraudReviewService,
): void {
  registerErrorType(builder, FraudRuleInvalidError, {
    fields: (t) => ({ expression: t.exposeString('expression') }),
  });
  const Decision = builder.enumType('FraudDecisionValue', { values: AUTHORIZE_DECISION_VALUES });
  const Action = builder.enumType('FraudRuleAction', {
    description: 'What a matching rule does. Rules are evaluated in this order (Stripe Radar’s).',
    values: RULE_ACTIONS,
  });
  const Category = builder.enumType('MerchantCategory', { values: MERCHANT_CATEGORIES });

  registerFraudReviewSchema(builder, reviews, Decision);

  const RuleRef = builder.objectRef<FraudDecisionView['rules'][number]>('FraudRuleMatch').implement({
    authScopes: DECISION_READERS,
    fields: (t) => ({
      ruleId: t.exposeID('id'),
      version: t.exposeInt('version'),
      action: t.exposeString('action'),
    }),
  });
  const FraudDecision = builder.objectRef<FraudDecisionView>('FraudDecision').implement({
    description: 'The fraud plugin’s decision on a payment attempt, made before any money moved.',
    authScopes: DECISION_READERS,
    fields: (t) => ({
      decision: t.field({ type: Decision, resolve: (d) => d.decision }),
      score: t.exposeInt('score', { description: '0-100: the highest score of the matching rules.' }),
      reasons: t.stringList({ description: 'In plain words.', resolve: (d) => [...d.reasons] }),
      rules: t.field({
        type: [RuleRef],
        description: 'The rules (and their versions) that matched.',
        resolve: (d) => [...d.rules],
      }),
      paymentId: t.exposeID('paymentId', {
        description: 'A blocked attempt has no payment: the id it would have had.',
      }),
      customerId: t.exposeID('customerId'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const Rule = builder.objectRef<FraudRuleVersion>('FraudRule').implement({
    description: 'One version of a fraud rule: a CEL condition over the fraud features (docs/fraud.md).',
    authScopes: OPERATOR,
    fields: (t) => ({
      id: t.exposeID('id'),
      version: t.exposeInt('version'),
      merchantId: t.exposeID('merchantId', { nullable: true, description: 'Null: every merchant.' }),
      name: t.exposeString('name'),
      action: t.field({ type: Action, resolve: (r) => r.action }),
      expression: t.exposeString('expression'),
      reason: t.exposeString('reason', {
        description: 'Shown to the caller and the reviewer when it matches.',
      }),
      score: t.exposeInt('score'),
      enabled: t.exposeBoolean('enabled'),
      builtIn: t.boolean({ resolve: (r) => r.createdBy === 'built-in' }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      createdBy: t.exposeString('createdBy'),
    }),
  });

  const Backtest = builder.objectRef<FraudBacktest>('FraudBacktest').implement({
    authScopes: OPERATOR,
    fields: (t) => ({
      evaluated: t.exposeInt('evaluated'),
      matched: t.exposeInt('matched'),
      matchedAllowed: t.exposeInt('matchedAllowed'),
      matchedChallenged: t.exposeInt('matchedChallenged'),
      matchedReviewed: t.exposeInt('matchedReviewed'),
      matchedBlocked: t.exposeInt('matchedBlocked'),
      matchedDeclinedOnReview: t.exposeInt('matchedDeclinedOnReview', {
        description: 'Labelled fraud since: a person declined the payment on review.',
      }),
      matchedApprovedOnReview: t.exposeInt('matchedApprovedOnReview'),
      samplePaymentIds: t.idList({ resolve: (b) => [...b.samplePaymentIds] }),
    }),
  });

  const RuleInput = builder.inputType('FraudRuleInput', {
    fields: (t) => ({
      merchantId: t.id({ description: 'Only for this merchant; absent or null: every merchant.' }),
      name: t.string(),
      action: t.field({ type: Action }),
      expression: t.string({
        description: 'A CEL condition over the fraud features, e.g. `customer.count_10m >= 5`.',
      }),
      reason: t.string(),
      score: t.int({ description: '0-100; default by action (challenge 65, review 70, block 90, allow 0).' }),
      enabled: t.boolean(),
    }),
  });
  const toInput = (input: typeof RuleInput.$inferInput): FraudRuleInput => ({
    ...input,
    ...(input.merchantId !== undefined
      ? { merchantId: input.merchantId === null ? null : String(input.merchantId) }
      : {}),
  });

  builder.objectField('Payment', 'fraudDecision', (t) =>
    t.withAuth(DECISION_READERS).field({
      type: FraudDecision,
      nullable: true,
      description: 'The fraud plugin’s decision before authorization; null if it was not asked.',
      resolve: (payment, _args, ctx) => profiles.decisionOf(ctx, payment.id),
    }),
  );
  builder.objectField(Merchant, 'category', (t) =>
    t.withAuth({ $any: { operator: true, merchant: true } }).field({
      type: Category,
      nullable: true,
      description: 'What the merchant sells, for fraud rules; set by an operator.',
      resolve: (merchant, _args, ctx) => profiles.categoryOf(ctx, merchant.id),
    }),
  );

  builder.queryFields((t) => ({
    fraudRules: t.withAuth(OPERATOR).field({
      type: [Rule],
      description: 'The latest version of every rule; with `merchantId`, those that apply to that merchant.',
      args: { merchantId: t.arg.id() },
      resolve: (_root, args, ctx) =>
        rules.list(ctx, args.merchantId == null ? null : uuidOrNull(args.merchantId)),
    }),
    fraudRuleVersions: t.withAuth(OPERATOR).field({
      type: [Rule],
      description: 'Every version of a rule, oldest first; empty for an unknown id.',
      args: { id: t.arg.id({ required: true }) },
      resolve: (_root, args, ctx) => rules.versions(ctx, String(args.id)),
    }),
    fraudDecisions: t.withAuth(DECISION_READERS).field({
      type: [FraudDecision],
      description:
        'Recent decisions, newest first, blocked attempts (which have no payment) included. A merchant sees its own; a customer session the decisions about its payer.',
      args: { decision: t.arg({ type: Decision }), first: t.arg.int({ defaultValue: 50 }) },
      resolve: (_root, args, ctx) => profiles.recentDecisions(ctx, args.decision ?? null, args.first ?? 50),
    }),
  }));

  builder.mutationFields((t) => ({
    createFraudRule: t.withAuth(OPERATOR).field({
      type: Rule,
      description: 'Type-checks the condition and stores version 1.',
      args: { input: t.arg({ type: RuleInput, required: true }) },
      errors: { types: RULE_ERRORS },
      resolve: (_root, args, ctx) => rules.create(ctx, toInput(args.input)),
    }),
    updateFraudRule: t.withAuth(OPERATOR).field({
      type: Rule,
      description: 'Stores a new version with the given fields changed (disable with `enabled: false`).',
      args: { id: t.arg.id({ required: true }), input: t.arg({ type: RuleInput, required: true }) },
      errors: { types: RULE_ERRORS },
      resolve: (_root, args, ctx) => rules.update(ctx, String(args.id), toInput(args.input)),
    }),
    backtestFraudRule: t.withAuth(OPERATOR).field({
      type: Backtest,
      description: 'What a condition would have matched among the attempts of the last `days` days.',
      args: {
        expression: t.arg.string({ required: true }),
        merchantId: t.arg.id(),
        days: t.arg.int({ defaultValue: 30 }),
      },
      errors: { types: [FraudRuleInvalidError, ValidationError] },
      resolve: (_root, args, ctx) =>
        backtestCondition(
          ctx,
          args.expression,
          args.merchantId == null ? null : uuidOrNull(args.merchantId),
          args.days ?? 30,
        ),
    }),
    setMerchantCategory: t.withAuth(OPERATOR).field({
      type: Merchant,
      description: 'What the merchant sells, for fraud rules (`cash_equivalent` follows from it).',
      args: { merchantId: t.arg.id({ required: true }), category: t.arg({ type: Category, required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, args, ctx) => profiles.setCategory(ctx, String(args.merchantId), args.category),
    }),
  }));
}

function uuidOrNull(id: string | number): string {
  const value = String(id);
  if (!isUuid(value)) throw new NotFoundError('Merchant', value);
  return value;
}
