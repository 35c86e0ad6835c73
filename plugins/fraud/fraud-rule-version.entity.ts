import { defineEntity, p } from '@mikro-orm/core';

/** One version of a fraud rule: saving a rule adds a version, so every decision names the text it ran. */
const FraudRuleVersionSchema = defineEntity({
  name: 'FraudRuleVersionRow',
  tableName: 'fraud_rule_version',
  properties: {
    id: p.uuid().primary(),
    version: p.integer().primary(),
    merchantId: p.uuid().nullable(),
    name: p.text(),
    action: p.text(),
    expression: p.text(),
    reason: p.text(),
    score: p.smallint(),
    enabled: p.boolean(),
    createdAt: p.datetime(),
    createdBy: p.text(),
  },
});

export class FraudRuleVersionRow extends FraudRuleVersionSchema.class {}
FraudRuleVersionSchema.setClass(FraudRuleVersionRow);

export { FraudRuleVersionSchema };
