import { defineEntity, p } from '@mikro-orm/core';
import { API_KEY_KINDS } from '../auth/api-key.entity.ts';
import { Merchant } from '../auth/merchant.entity.ts';
import type { AffectedJurisdiction } from './breach-notifications.ts';

const PrivacyBreachSchema = defineEntity({
  name: 'PrivacyBreach',
  tableName: 'privacy_breach',
  indexes: [{ properties: ['merchant', 'discoveredAt'] }],
  properties: {
    id: p.uuid().primary(),
    /** The controller whose subjects were affected. */
    merchant: () => p.manyToOne(Merchant),
    /** When the breach became known: every notification clock runs from here. */
    discoveredAt: p.datetime(),
    /** What happened, in the operator's words; no personal data (the API says so). */
    description: p.text(),
    /** The kinds of data exposed (`email`, `card number`...). */
    dataCategories: p.json<string[]>(),
    /** How many subjects in each jurisdiction: counts, never who. */
    affected: p.json<AffectedJurisdiction[]>(),
    recordedByKind: p.enum(API_KEY_KINDS),
    recordedByKeyId: p.uuid(),
    recordedAt: p.datetime(),
  },
});

/** A personal-data breach an operator recorded; the notifications are computed from the packs. */
export class PrivacyBreach extends PrivacyBreachSchema.class {}
PrivacyBreachSchema.setClass(PrivacyBreach);

export { PrivacyBreachSchema };
