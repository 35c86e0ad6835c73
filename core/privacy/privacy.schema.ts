import type { GatewayBuilder } from '../../schema/builder.ts';
import type { CrossBorderTransfer } from '../db/data-map.ts';
import type { ProcessingEntry } from './record-of-processing.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

/** GraphQL enum values are names: `legal-obligation` is `legal_obligation`, meaning the same. */
const enumValues = (values: readonly string[]) =>
  Object.fromEntries(values.map((value) => [value.replaceAll('-', '_'), { value }]));

export function registerPrivacySchema(builder: GatewayBuilder, record: readonly ProcessingEntry[]): void {
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
}
