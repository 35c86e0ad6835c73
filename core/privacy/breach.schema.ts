import type { GatewayBuilder } from '../../schema/builder.ts';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import type { BreachService, BreachView } from './breach.service.ts';
import type { AffectedJurisdiction, BreachNotification } from './breach-notifications.ts';

const OPERATOR = { operator: true } as const;

/** Operators record personal-data breaches and read the notifications each pack requires. */
export function registerBreachSchema(builder: GatewayBuilder, breaches: BreachService): void {
  const Affected = builder.objectRef<AffectedJurisdiction>('BreachAffectedJurisdiction').implement({
    authScopes: OPERATOR,
    fields: (t) => ({
      jurisdiction: t.exposeString('jurisdiction'),
      subjects: t.exposeInt('subjects'),
    }),
  });
  const Notification = builder.objectRef<BreachNotification>('BreachNotification').implement({
    description:
      'A notification a regulation pack requires for a breach, for the subjects of one jurisdiction.',
    authScopes: OPERATOR,
    fields: (t) => ({
      law: t.exposeString('law'),
      notify: t.exposeString('notify', { description: '`authority` or `subjects`.' }),
      to: t.exposeString('to'),
      jurisdiction: t.exposeString('jurisdiction'),
      subjects: t.exposeInt('subjects', { description: 'How many subjects of that jurisdiction.' }),
      dueAt: t.field({
        type: 'DateTime',
        nullable: true,
        description: 'The deadline from discovery; null where the law says "without undue delay".',
        resolve: (n) => n.dueAt,
      }),
      article: t.exposeString('article'),
    }),
  });
  const Breach = builder.objectRef<BreachView>('PrivacyBreach').implement({
    description: 'A personal-data breach an operator recorded.',
    authScopes: OPERATOR,
    fields: (t) => ({
      id: t.id({ resolve: (v) => v.breach.id }),
      merchantId: t.id({ resolve: (v) => v.breach.merchant.id }),
      discoveredAt: t.field({ type: 'DateTime', resolve: (v) => v.breach.discoveredAt }),
      description: t.string({ resolve: (v) => v.breach.description }),
      dataCategories: t.stringList({ resolve: (v) => v.breach.dataCategories }),
      affected: t.field({ type: [Affected], resolve: (v) => v.breach.affected }),
      recordedAt: t.field({ type: 'DateTime', resolve: (v) => v.breach.recordedAt }),
      notifications: t.field({ type: [Notification], resolve: (v) => [...v.notifications] }),
    }),
  });
  const AffectedInput = builder.inputType('BreachAffectedInput', {
    fields: (t) => ({
      jurisdiction: t.string({ required: true, description: 'ISO 3166 country or subdivision.' }),
      subjects: t.int({ required: true, description: 'How many subjects there (at least 1).' }),
    }),
  });
  const RecordInput = builder.inputType('RecordPrivacyBreachInput', {
    fields: (t) => ({
      merchantId: t.id({ required: true }),
      discoveredAt: t.field({ type: 'DateTime', required: true }),
      description: t.string({ required: true, description: 'What happened; no personal data.' }),
      dataCategories: t.stringList({ required: true }),
      affected: t.field({ type: [AffectedInput], required: true }),
    }),
  });

  builder.mutationField('recordPrivacyBreach', (t) =>
    t.withAuth(OPERATOR).field({
      type: Breach,
      description:
        'Records a personal-data breach; the answer lists the notifications each applicable regulation pack requires, with deadlines counted from discovery.',
      args: { input: t.arg({ type: RecordInput, required: true }) },
      errors: { types: [ValidationError, NotFoundError] },
      resolve: (_root, { input }, ctx) =>
        breaches.record(ctx, { ...input, merchantId: String(input.merchantId) }),
    }),
  );
  builder.queryField('privacyBreaches', (t) =>
    t.withAuth(OPERATOR).field({
      type: [Breach],
      description: 'A merchant’s recorded breaches, newest discovery first, with their notifications.',
      args: { merchantId: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError], result: { authScopes: OPERATOR } },
      resolve: (_root, args, ctx) => breaches.list(ctx, String(args.merchantId)),
    }),
  );
}
