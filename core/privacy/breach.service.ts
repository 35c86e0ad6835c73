import { randomUUID } from 'node:crypto';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import { Merchant } from '../auth/merchant.entity.ts';
import type { OperatorContext } from '../context.ts';
import { isUuid } from '../uuid.ts';
import {
  type AffectedJurisdiction,
  type BreachNotification,
  breachNotifications,
} from './breach-notifications.ts';
import { countryOf } from './jurisdiction.ts';
import { PrivacyBreach } from './privacy-breach.entity.ts';
import type { Regulations } from './regulations.ts';

export interface RecordBreachInput {
  merchantId: string;
  discoveredAt: Date;
  description: string;
  dataCategories: readonly string[];
  affected: readonly AffectedJurisdiction[];
}

/** A breach with the notifications the packs require for it. */
export interface BreachView {
  readonly breach: PrivacyBreach;
  readonly notifications: readonly BreachNotification[];
}

/** Operators record personal-data breaches; the packs say whom to notify and by when. */
export class BreachService {
  readonly #regulations: Regulations;

  constructor(regulations: Regulations) {
    this.#regulations = regulations;
  }

  async record(ctx: OperatorContext, input: RecordBreachInput): Promise<BreachView> {
    if (!isUuid(input.merchantId) || !(await ctx.em.findOne(Merchant, { id: input.merchantId })))
      throw new NotFoundError('Merchant', input.merchantId);
    if (input.discoveredAt.getTime() > Date.now() + 60_000)
      throw new ValidationError('discoveredAt', 'a breach is recorded once discovered: not in the future');
    const description = input.description.trim();
    if (description.length === 0 || description.length > 2000)
      throw new ValidationError('description', 'what happened, 1 to 2000 characters, without personal data');
    const categories = [...new Set(input.dataCategories.map((c) => c.trim()))];
    if (categories.some((c) => c.length === 0 || c.length > 100) || categories.length > 50)
      throw new ValidationError('dataCategories', 'up to 50 kinds of data, each 1 to 100 characters');
    if (input.affected.length === 0 || input.affected.length > 300)
      throw new ValidationError(
        'affected',
        'each affected jurisdiction with its number of subjects (1 to 300)',
      );
    for (const a of input.affected) {
      if (countryOf(a.jurisdiction) === null)
        throw new ValidationError(
          'affected',
          `"${a.jurisdiction}" is not an ISO 3166 country or subdivision`,
        );
      if (!Number.isSafeInteger(a.subjects) || a.subjects < 1)
        throw new ValidationError('affected', 'the number of subjects is a whole number of at least 1');
    }
    if (new Set(input.affected.map((a) => a.jurisdiction)).size !== input.affected.length)
      throw new ValidationError('affected', 'each jurisdiction once');
    const breach = ctx.em.create(PrivacyBreach, {
      id: randomUUID(),
      merchant: input.merchantId,
      discoveredAt: input.discoveredAt,
      description,
      dataCategories: categories,
      affected: input.affected.map(({ jurisdiction, subjects }) => ({ jurisdiction, subjects })),
      recordedByKind: ctx.principal.kind,
      recordedByKeyId: ctx.principal.keyId,
      recordedAt: new Date(),
    });
    await ctx.em.flush();
    return this.view(breach);
  }

  /** The merchant's breaches, newest discovery first (at most 100). */
  async list(ctx: OperatorContext, merchantId: string): Promise<BreachView[]> {
    if (!isUuid(merchantId)) throw new NotFoundError('Merchant', merchantId);
    const rows = await ctx.em.find(
      PrivacyBreach,
      { merchant: merchantId },
      { orderBy: { discoveredAt: 'desc' }, limit: 100 },
    );
    return rows.map((row) => this.view(row));
  }

  view(breach: PrivacyBreach): BreachView {
    return { breach, notifications: breachNotifications(this.#regulations, breach) };
  }
}
