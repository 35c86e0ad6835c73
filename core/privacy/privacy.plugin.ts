import { credential, personal, technical } from '../db/data-map.ts';
import { definePlugin, type InstalledPlugin } from '../plugin.ts';
import { BlindIndex } from './blind-index.ts';
import { registerBreachSchema } from './breach.schema.ts';
import { BreachService } from './breach.service.ts';
import { HoldPurgeJob } from './hold-purge-job.ts';
import { Migration0001SubjectKeys } from './migrations/0001-subject-keys.ts';
import { Migration0002PrivacyBreaches } from './migrations/0002-privacy-breaches.ts';
import { Migration0003CustomerSessionsUnderSubjectKeys } from './migrations/0003-customer-sessions-under-subject-keys.ts';
import { Migration0004RetentionHolds } from './migrations/0004-retention-holds.ts';
import { registerPrivacySchema } from './privacy.schema.ts';
import { type PluginErasure, type PluginSection, PrivacyService } from './privacy.service.ts';
import { PrivacyBreachSchema } from './privacy-breach.entity.ts';
import {
  PrivacyErasureSchema,
  PrivacyHeldRecordSchema,
  PrivacyHoldKeySchema,
  PrivacyHoldSchema,
} from './privacy-hold.entity.ts';
import { registerPrivacyRulesSchema } from './privacy-rules.schema.ts';
import { PrivacyIndexKeySchema, PrivacySubjectSchema } from './privacy-subject.entity.ts';
import { erasePrivacySubject, exportPrivacySubject } from './privacy-subject.privacy.ts';
import { ProfilePurposes } from './profile-purposes.ts';
import { recordOfProcessing } from './record-of-processing.ts';
import { Regulations } from './regulations.ts';
import { ropaCommand } from './ropa-command.ts';
import { SubjectHolds } from './subject-holds.ts';
import { SubjectKeys } from './subject-keys.ts';
import './global-types.ts';

/** How often each process purges held records whose hold ended: holds end on dates years away. */
const PURGE_INTERVAL_SECONDS = 3600;

/**
 * The kernel's privacy plugin, always installed: it declares the data-subject hooks, so every
 * plugin can answer for what it stores about a subject without requiring any other plugin, and
 * keeps the record of processing built from every installed plugin's data map (`installed`:
 * all of them, the kernel's own included).
 */
export function privacyPlugin(installed: readonly InstalledPlugin[]) {
  const privacy = definePlugin({
    name: 'privacy',
    version: '1.0.0',
    description:
      'Data-subject hooks, per-subject keys and the record of processing built from every plugin’s data map',
    requires: ['auth'],
    entities: [
      PrivacySubjectSchema,
      PrivacyIndexKeySchema,
      PrivacyBreachSchema,
      PrivacyHoldKeySchema,
      PrivacyHoldSchema,
      PrivacyHeldRecordSchema,
      PrivacyErasureSchema,
    ],
    migrations: [
      { name: '0001-subject-keys', class: Migration0001SubjectKeys },
      { name: '0002-privacy-breaches', class: Migration0002PrivacyBreaches },
      {
        name: '0003-customer-sessions-under-subject-keys',
        class: Migration0003CustomerSessionsUnderSubjectKeys,
      },
      { name: '0004-retention-holds', class: Migration0004RetentionHolds },
    ],
    purposes: {
      'applicable-law': {
        description: 'decide which data protection law applies to the customer',
        basis: 'legal-obligation',
        profile: ['countryOfResidence'],
      },
    },
    dataMap: {
      PrivacySubject: {
        id: technical('the pseudonymous id of a subject'),
        merchant: technical('whose customer'),
        refIndex: personal('find the subject by the merchant’s reference without storing it', {
          retention: 'while-active',
          basis: 'contract',
          source: 'derived',
        }),
        refSealed: personal('tell the merchant which of its customers the subject is (sealed)', {
          retention: 'while-active',
          basis: 'contract',
          source: 'provided',
          recipients: ['the merchant, through the API'],
        }),
        wrappedKey: credential('open what is sealed under the subject’s key; destroyed to erase'),
        createdAt: technical('audit'),
        shreddedAt: technical('prove when the subject’s key was destroyed'),
      },
      PrivacyBreach: {
        id: technical('identify the breach'),
        merchant: technical('whose subjects were affected'),
        discoveredAt: technical('start every notification clock'),
        description: technical('what happened, in the operator’s words, without personal data'),
        dataCategories: technical('say which kinds of data were exposed'),
        affected: technical('count the subjects per jurisdiction (never who) to find the applicable laws'),
        recordedByKind: technical('audit: who recorded it'),
        recordedByKeyId: technical('audit: who recorded it'),
        recordedAt: technical('audit'),
      },
      PrivacyIndexKey: {
        id: technical('name the key'),
        sealedKey: credential('compute blind indexes'),
        createdAt: technical('audit'),
      },
      PrivacyHoldKey: {
        subject: technical('whose held records the key opens (the erased subject’s pseudonymous id)'),
        merchant: technical('scope to a tenant'),
        wrappedKey: credential(
          'open what a retention hold keeps; destroyed when the last hold ends',
          'legal-hold',
        ),
        identitySealed: personal('tell whom held records are about, for the law’s purpose only (sealed)', {
          retention: 'legal-hold',
          basis: 'legal-obligation',
          source: 'provided',
        }),
        purgeAfter: technical('destroy the key when the last hold ends'),
        createdAt: technical('audit'),
        destroyedAt: technical('prove when the hold key was destroyed'),
      },
      PrivacyHold: {
        id: technical('identify the hold'),
        subject: technical('whose records are held (pseudonymous)'),
        merchant: technical('scope to a tenant'),
        plugin: technical('which plugin keeps the records'),
        what: technical('say what is kept, without personal data'),
        law: technical('cite the rule'),
        article: technical('cite the rule'),
        until: technical('purge when the hold ends'),
        createdAt: technical('audit'),
        purgedAt: technical('prove when the held records were purged'),
      },
      PrivacyHeldRecord: {
        id: technical('identify the held record'),
        hold: technical('under which hold'),
        recordId: technical('which record of the plugin'),
        purgeAfter: technical('purge when this record’s hold ends'),
        sealed: personal('keep a held record’s personal fields apart, for the law’s purpose only (sealed)', {
          retention: 'legal-hold',
          basis: 'legal-obligation',
          source: 'provided',
        }),
      },
      PrivacyErasure: {
        subject: technical('which subject was erased (pseudonymous)'),
        merchant: technical('scope to a tenant'),
        erasedAt: technical('prove when the erasure happened'),
        answer: technical('tell a resumed request what was erased and kept, without personal data'),
      },
    },
    setup: (plugin) => {
      // No `merchantOf`: a plugin disabled for a merchant may still hold what it stored while it
      // was enabled, and a subject's export or erasure must reach all of it.
      const exportRunner = plugin.declareHook('subject.export', {
        combine: (answers): readonly PluginSection[] =>
          answers.flatMap(({ plugin: by, answer }) => answer.map((section) => ({ ...section, plugin: by }))),
      });
      const eraseRunner = plugin.declareHook('subject.erase', {
        combine: (answers): readonly PluginErasure[] =>
          answers.map(({ plugin: by, answer }) => ({ plugin: by, ...answer })),
      });
      const blindIndex = new BlindIndex(plugin.secrets);
      const { auth } = plugin.services;
      const keys = new SubjectKeys(plugin.secrets, blindIndex, (em, subjectId) =>
        auth.endSessionsOf(em, subjectId),
      );
      const definitions = [privacy, ...installed].map(({ definition }) => definition);
      const record = recordOfProcessing(definitions);
      // Enablement is set up after privacy: the switch is read when a pack is asked for, not now.
      const regulations = new Regulations(plugin.regulationPacks, (name, merchantId) =>
        plugin.services.enablement.isEnabled(name, merchantId),
      );
      // Likewise for purposes: asked at call time, never during setup.
      const purposes = new ProfilePurposes(definitions, (name, merchantId) =>
        plugin.services.enablement.isEnabled(name, merchantId),
      );
      const breaches = new BreachService(regulations);
      const holds = new SubjectHolds(plugin.secrets, keys, regulations);
      const holdPurge = new HoldPurgeJob(holds, plugin);
      return {
        services: new PrivacyService(
          exportRunner,
          eraseRunner,
          keys,
          blindIndex,
          regulations,
          purposes,
          holds,
          holdPurge,
          record,
        ),
        schema: (builder) => {
          registerPrivacySchema(builder, record, purposes);
          registerPrivacyRulesSchema(builder, regulations);
          registerBreachSchema(builder, breaches);
        },
        commands: { 'privacy ropa': ropaCommand(record) },
        onReady: () => holdPurge.start(PURGE_INTERVAL_SECONDS),
        onClose: () => holdPurge.stop(),
        hooks: {
          'subject.export': exportPrivacySubject(keys),
          'subject.erase': erasePrivacySubject(keys, auth),
        },
      };
    },
  });
  return privacy;
}
