import { z } from 'zod';
import { definePlugin } from '../../core/plugin-api.ts';
import { eraseDecisions, exportDecisions } from './fraud.privacy.ts';
import { registerFraudSchema } from './fraud.schema.ts';
import { FraudAttemptSchema } from './fraud-attempt.entity.ts';
import { fraudDataMap } from './fraud-data-map.ts';
import { FraudDecider } from './fraud-decider.ts';
import { FRAUD_EVENT_TYPES } from './fraud-event-types.ts';
import { labelsCommand } from './fraud-labels-command.ts';
import { FraudMerchantProfileSchema, MERCHANT_CATEGORIES } from './fraud-merchant-profile.entity.ts';
import { FraudProfiles } from './fraud-profiles.ts';
import { replayCommand } from './fraud-replay-command.ts';
import { FraudReviewSchema } from './fraud-review.entity.ts';
import { FraudReviewService } from './fraud-review.service.ts';
import { FraudRuleService } from './fraud-rule.service.ts';
import { FraudRuleVersionSchema } from './fraud-rule-version.entity.ts';
import type { FraudServices } from './fraud-services.ts';
import { Migration0001FraudTables } from './migrations/0001-fraud-tables.ts';
import { Migration0002FraudReviews } from './migrations/0002-fraud-reviews.ts';
import { Migration0003CoveringKeyIndexes } from './migrations/0003-covering-key-indexes.ts';
import { Migration0004AttemptWrittenOnce } from './migrations/0004-attempt-written-once.ts';
import { loadRiskModel } from './risk-model.ts';
import './global-types.ts';

const fraudOptions = z.strictObject({
  /** Categories as good as cash: what cash-out rings buy (gift cards, prepaid, game currency). */
  cashEquivalentCategories: z.array(z.enum(MERCHANT_CATEGORIES)).default(['gift_card', 'prepaid', 'game']),
  /**
   * Whether the risk model takes part in live decisions. Off by default: the shipped model is
   * trained on generated data (bench/fraud/), so an operator turns it on after replaying their
   * own attempts through it (`gateway fraud replay`) or retraining. The replay always uses it.
   */
  model: z.enum(['off', 'on']).default('off'),
});

/**
 * A decision before money moves: velocity features in PostgreSQL, rules in CEL, in Radar's
 * order. Off for every merchant until an operator enables it (`setPluginEnabled`): installing it
 * costs a payment nothing until then.
 */
export const fraudPlugin = definePlugin({
  name: 'fraud',
  version: '1.0.0',
  description: 'Fraud decisions before authorization: velocity features, CEL rules, cash-out detection',
  requires: ['payments', 'events'],
  options: fraudOptions,
  entities: [FraudAttemptSchema, FraudMerchantProfileSchema, FraudRuleVersionSchema, FraudReviewSchema],
  migrations: [
    { name: '0001-fraud-tables', class: Migration0001FraudTables },
    { name: '0002-fraud-reviews', class: Migration0002FraudReviews },
    { name: '0003-covering-key-indexes', class: Migration0003CoveringKeyIndexes },
    { name: '0004-attempt-written-once', class: Migration0004AttemptWrittenOnce },
  ],
  dataMap: fraudDataMap,
  enablement: { perMerchant: true, default: 'off' },
  setup: (plugin) => {
    const rules = new FraudRuleService(plugin.log);
    const model = loadRiskModel();
    const decider = new FraudDecider(
      plugin.options.cashEquivalentCategories,
      rules,
      plugin.options.model === 'on' ? model : null,
    );
    const profiles = new FraudProfiles();
    const reviews = new FraudReviewService();
    const services: FraudServices = { decider, rules, profiles, reviews };
    const seedBuiltIns = () => rules.seedBuiltIns(plugin.orm.em.fork());
    return {
      services,
      schema: (builder) => registerFraudSchema(builder, rules, profiles, reviews),
      hooks: {
        'payment.beforeAuthorize': (input) => decider.decide(input),
        'subject.export': exportDecisions(plugin.services),
        'subject.erase': eraseDecisions(plugin.services),
      },
      commands: {
        'fraud replay': replayCommand(rules, model, plugin.options.cashEquivalentCategories, seedBuiltIns),
        'fraud labels': labelsCommand(),
      },
      eventTypes: FRAUD_EVENT_TYPES,
      onReady: seedBuiltIns,
    };
  },
});
