import type { GatewayBuilder } from '../../schema/builder.ts';
import { registerErrorType } from '../../schema/error-types.ts';
import { NotFoundError } from '../../schema/errors.ts';
import { canSeeMerchant } from '../auth/principal.ts';
import type { CrossBorderTransfer } from '../db/data-map.ts';
import { isUuid } from '../uuid.ts';
import { type DeclaredPurpose, ProfileFieldNotAllowed, type ProfilePurposes } from './profile-purposes.ts';
import type { ProcessingEntry } from './record-of-processing.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

/** GraphQL enum values are names: `legal-obligation` is `legal_obligation`, meaning the same. */
const enumValues = (values: readonly string[]) =>
  Object.fromEntries(values.map((value) => [value.replaceAll('-', '_'), { value }]));

export function registerPrivacySchema(
  builder: GatewayBuilder,
  record: readonly ProcessingEntry[],
  purposes: ProfilePurposes,
): void {
  const Category = builder.enumType('DataCategory', {
    description: 'What a stored field is (see docs/privacy.md).',
    values: enumValues(['technical', 'personal', 'sensitive', 'financial', 'credential']),
  });
  const Basis = builder.enumType('LegalBasis', {
    description: 'Why the law lets the gateway process a personal field (GDPR Art. 6(1), PIPA Art. 15(1)).',
    values: enumValues([
      'contract',
      'legal-obligation',
      'consent',
      'legitimate-interest',
      'vital-interest',
      'public-task',
    ]),
  });
  const Source = builder.enumType('DataSource', {
    description: 'Where a personal value comes from; portability covers `provided` and `observed` only.',
    values: enumValues(['provided', 'observed', 'inferred', 'derived']),
  });

  const Transfer = builder.objectRef<CrossBorderTransfer>('CrossBorderTransfer').implement({
    description: 'A transfer of a field out of the country where the gateway runs.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      to: t.exposeString('to'),
      countries: t.exposeStringList('countries', { description: 'ISO 3166-1 codes, or `any`.' }),
      safeguard: t.exposeString('safeguard'),
    }),
  });

  const Entry = builder.objectRef<ProcessingEntry>('DataMapEntry').implement({
    description: 'One stored field of one plugin, as the record of processing (GDPR Art. 30) lists it.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      plugin: t.exposeString('plugin'),
      entity: t.exposeString('entity'),
      field: t.exposeString('field'),
      category: t.field({ type: Category, resolve: (e) => e.category }),
      personal: t.exposeBoolean('personal', { description: 'Personal data (GDPR Art. 4(1)).' }),
      purpose: t.exposeString('purpose'),
      basis: t.field({ type: Basis, nullable: true, resolve: (e) => e.basis ?? null }),
      source: t.field({ type: Source, nullable: true, resolve: (e) => e.source ?? null }),
      retention: t.exposeString('retention', {
        description:
          'An ISO 8601 duration (`P5Y`) or a lifecycle rule (`while-active`, `until-revoked`, `legal-hold`).',
      }),
      recipients: t.stringList({ resolve: (e) => [...(e.recipients ?? [])] }),
      crossBorder: t.field({ type: [Transfer], resolve: (e) => [...(e.crossBorder ?? [])] }),
    }),
  });

  builder.queryField('dataMap', (t) =>
    t.field({
      type: [Entry],
      description:
        'The record of processing: every stored field of every installed plugin, with its category, purpose, legal basis, source, retention and recipients. The same for every merchant.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: {
        personal: t.arg.boolean({ description: 'Only personal fields (true) or only the others (false).' }),
        plugin: t.arg.string({ description: 'Only this plugin’s fields.' }),
      },
      resolve: (_root, args) =>
        record.filter(
          (entry) =>
            (args.personal == null || entry.personal === args.personal) &&
            (args.plugin == null || entry.plugin === args.plugin),
        ),
    }),
  );

  registerPurposeSchema(builder, Basis, purposes);
}

function registerPurposeSchema(
  builder: GatewayBuilder,
  Basis: ReturnType<GatewayBuilder['enumType']>,
  purposes: ProfilePurposes,
): void {
  registerErrorType(builder, ProfileFieldNotAllowed, {
    description:
      'A profile field no purpose enabled for the merchant needs (data minimization, GDPR Art. 5(1)(c), PIPA Art. 16(1)), or needed only by consent-based purposes the customer has not consented to (GDPR Art. 6(1)(a), PIPA Art. 15(1)1). Nothing was stored.',
    fields: (t) => ({
      field: t.exposeString('field'),
      purposes: t.exposeStringList('purposes', {
        description:
          'The purposes that would need the field: installed ones none enabled for this merchant, or (consentMissing) the enabled consent-based ones; empty when no installed plugin needs it.',
      }),
      consentMissing: t.exposeBoolean('consentMissing', {
        description:
          'The purposes are enabled but rest on consent: the customer must consent to one of them (its notice purpose id is the purpose name) before the field is stored.',
      }),
    }),
  });

  const Purpose = builder.objectRef<DeclaredPurpose & { enabled: boolean }>('ProfilePurpose').implement({
    description: 'A purpose a plugin processes customers’ profile fields for; enabled with its plugin.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      name: t.exposeString('name'),
      plugin: t.exposeString('plugin', { description: 'Enabled for a merchant when this plugin is.' }),
      description: t.exposeString('description'),
      basis: t.field({
        type: Basis,
        description:
          'CONSENT: its fields are stored only for a customer that consents to this purpose (by its name).',
        resolve: (p) => p.basis,
      }),
      fields: t.stringList({ description: 'The profile fields it needs.', resolve: (p) => [...p.profile] }),
      enabled: t.exposeBoolean('enabled', { description: 'Enabled for this merchant.' }),
    }),
  });

  type View = DeclaredPurpose & { enabled: boolean };
  const ForMerchant = builder
    .objectRef<{ merchantId: string; purposes: View[] }>('MerchantProfilePurposes')
    .implement({
      authScopes: OPERATOR_OR_MERCHANT,
      fields: (t) => ({
        merchantId: t.exposeID('merchantId'),
        purposes: t.field({ type: [Purpose], resolve: (m) => m.purposes }),
      }),
    });

  builder.queryField('profilePurposes', (t) =>
    t.field({
      type: ForMerchant,
      description:
        'Every installed purpose for customer profiles and whether it is enabled for the merchant: a merchant may store the fields its enabled purposes need, and no other.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: { merchantId: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, args, ctx) => {
        const merchantId = String(args.merchantId);
        if (!isUuid(merchantId) || !canSeeMerchant(ctx.principal, merchantId))
          throw new NotFoundError('Merchant', merchantId);
        const enabled = new Set(purposes.enabledFor(merchantId));
        return { merchantId, purposes: purposes.all().map((p) => ({ ...p, enabled: enabled.has(p) })) };
      },
    }),
  );
}
