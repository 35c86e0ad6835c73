import { credential, definePlugin, technical } from '../../core/plugin-api.ts';
import { Migration0001TotpTables } from './migrations/0001-totp-tables.ts';
import { Migration0002EndUserFactorsUnderSubjectKeys } from './migrations/0002-end-user-factors-under-subject-keys.ts';
import { totpOptions } from './totp.options.ts';
import { eraseTotp, exportTotp } from './totp.privacy.ts';
import { registerTotpSchema } from './totp.schema.ts';
import { TotpService } from './totp.service.ts';
import { TotpFactorSchema } from './totp-factor.entity.ts';
import { TotpRecoveryCodeSchema } from './totp-recovery-code.entity.ts';
import './global-types.ts';

/** TOTP (RFC 6238) second factor; registers itself as a step-up factor with the kernel. */
export const totpPlugin = definePlugin({
  name: 'totp',
  version: '1.0.0',
  description: 'TOTP second factor: enrollment, verification, recovery codes, step-up grants',
  options: totpOptions,
  entities: [TotpFactorSchema, TotpRecoveryCodeSchema],
  migrations: [
    { name: '0001-totp-tables', class: Migration0001TotpTables },
    { name: '0002-end-user-factors-under-subject-keys', class: Migration0002EndUserFactorsUnderSubjectKeys },
  ],
  dataMap: {
    TotpFactor: {
      id: technical('identify the factor; binds the sealed secret to its row'),
      apiKey: technical('whose factor: the API key that enrolled it'),
      merchant: technical('whose factor: the tenant of the end user'),
      subject: technical('whose factor: the end user who enrolled it (a pseudonymous subject)'),
      secretSealed: credential('check one-time codes'),
      lastUsedStep: technical('refuse replayed codes'),
      failedAttempts: technical('slow down guessing'),
      lockouts: technical('slow down guessing'),
      lockedUntil: technical('slow down guessing'),
      createdAt: technical('audit'),
      activatedAt: technical('audit; pending until the first valid code'),
    },
    TotpRecoveryCode: {
      id: technical('identify the code'),
      factor: technical('whose code'),
      codeHash: credential('recover access when the authenticator is lost'),
      usedAt: technical('refuse a code the second time'),
      createdAt: technical('audit'),
    },
  },
  setup: (plugin) => {
    const totp = new TotpService(plugin);
    plugin.services.stepUp.registerFactor(totp);
    const { keys } = plugin.services.privacy;
    return {
      services: totp,
      schema: (builder) => registerTotpSchema(builder, totp),
      hooks: { 'subject.export': exportTotp(keys), 'subject.erase': eraseTotp(keys) },
    };
  },
});
