import type { GatewayBuilder } from '../../schema/builder.ts';
import { registerErrorType } from '../../schema/error-types.ts';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import { canSeeMerchant } from '../auth/principal.ts';
import { isUuid } from '../uuid.ts';
import { countryOf } from './jurisdiction.ts';
import { type ApplyingPack, RegulationPackDisabled, type Regulations } from './regulations.ts';
import { type RuleStatement, ruleStatements } from './rule-statements.ts';

const OPERATOR_OR_MERCHANT = { $any: { operator: true, merchant: true } } as const;

/** `privacyRules(jurisdiction)`: the packs that will apply there, each rule with its article. */
export function registerPrivacyRulesSchema(builder: GatewayBuilder, regulations: Regulations): void {
  registerErrorType(builder, RegulationPackDisabled, {
    description: 'A pack that applies to the subject is switched off for the merchant (docs/privacy.md).',
    fields: (t) => ({
      law: t.exposeString('law'),
      jurisdiction: t.exposeString('jurisdiction'),
    }),
  });

  const Rule = builder.objectRef<RuleStatement>('PrivacyRule').implement({
    description: 'One rule of a regulation pack, as the gateway enforces or reports it.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      id: t.exposeString('id', { description: 'Stable within the pack: `consent`, `breach.authority`.' }),
      kind: t.exposeString('kind'),
      statement: t.exposeString('statement'),
      article: t.exposeString('article', { description: 'Where the rule comes from.' }),
    }),
  });

  const Law = builder.objectRef<ApplyingPack & { jurisdiction: string }>('ApplicableRegulation').implement({
    description: 'A regulation pack that applies to a subject, with why and its rules.',
    authScopes: OPERATOR_OR_MERCHANT,
    fields: (t) => ({
      law: t.exposeString('name', { description: 'The pack’s plugin name: `gdpr`, `cpra`, `pipa`.' }),
      title: t.string({ resolve: (a) => a.pack.title }),
      because: t.exposeString('because', { description: '`residence` or `establishment`.' }),
      enabled: t.boolean({
        nullable: true,
        description:
          'Whether the merchant has the pack on; null when no merchant was named. Off: consent for the subject is refused (REGULATION_PACK_DISABLED).',
        resolve: (a) => a.enabled,
      }),
      rules: t.field({
        type: [Rule],
        description:
          'The rules for a subject in the asked jurisdiction: where a pack has a national children’s age there (a GDPR member state’s), that row replaces the pack’s own.',
        resolve: (a) => ruleStatements(a.pack.rules, a.jurisdiction),
      }),
    }),
  });

  builder.queryField('privacyRules', (t) =>
    t.field({
      type: [Law],
      description:
        'The regulation packs that will apply to a subject in `jurisdiction` (ISO 3166), with every rule and its article. `establishment` adds the packs that follow the merchant’s country; `merchantId` (operators; a merchant is always itself) says whether each is switched on.',
      authScopes: OPERATOR_OR_MERCHANT,
      args: {
        jurisdiction: t.arg.string({ required: true }),
        establishment: t.arg.string(),
        merchantId: t.arg.id(),
      },
      errors: { types: [ValidationError, NotFoundError], result: { authScopes: OPERATOR_OR_MERCHANT } },
      resolve: (_root, args, ctx) => {
        for (const [field, code] of [
          ['jurisdiction', args.jurisdiction],
          ['establishment', args.establishment],
        ] as const) {
          if (code != null && countryOf(code) === null)
            throw new ValidationError(field, `"${code}" is not an ISO 3166 country or subdivision`);
        }
        const { principal } = ctx;
        let merchantId = args.merchantId == null ? null : String(args.merchantId);
        if (principal.kind === 'merchant') merchantId ??= principal.merchantId;
        if (merchantId !== null && (!isUuid(merchantId) || !canSeeMerchant(principal, merchantId)))
          throw new NotFoundError('Merchant', merchantId);
        return regulations
          .applying(
            { jurisdiction: args.jurisdiction, establishment: args.establishment ?? null },
            merchantId,
          )
          .map((applying) => ({ ...applying, jurisdiction: args.jurisdiction }));
      },
    }),
  );
}
