import { GatewayError } from '../../schema/errors.ts';
import { BootError } from '../boot-error.ts';
import type { LegalBasis } from '../db/data-map.ts';
import type { PluginDefinition } from '../plugin.ts';
import { PROFILE_FIELDS, type ProfileField } from './profile-fields.ts';

/**
 * A purpose a plugin processes customers' profile fields for. Declared on the plugin
 * (`purposes`), it is enabled for a merchant exactly when its plugin is: the per-merchant
 * switches (`setPluginEnabled`, audited, behind a step-up) decide what a merchant may collect.
 * A purpose whose basis is `consent` also needs the subject's own yes: its name is the notice
 * purpose id the subject grants (`marketing`), asked through `services.consent.allows`.
 */
export interface ProcessingPurpose {
  readonly description: string;
  /** `consent`: the fields are collected for a subject only while it allows the purpose (GDPR Art. 6(1)(a), PIPA Art. 15(1)1). */
  readonly basis: LegalBasis;
  /** The profile fields this purpose needs: a field no enabled purpose needs is not collected. */
  readonly profile: readonly ProfileField[];
}

export interface DeclaredPurpose extends ProcessingPurpose {
  readonly name: string;
  readonly plugin: string;
}

/**
 * A profile field no purpose enabled for the merchant needs (GDPR Art. 5(1)(c), PIPA Art. 16(1)),
 * or whose only enabled purposes rest on a consent the subject has not given (GDPR Art. 6(1)(a)).
 */
export class ProfileFieldNotAllowed extends GatewayError {
  readonly field: ProfileField;
  /** Installed purposes that would need the field, none usable for this subject; empty when none is installed. */
  readonly purposes: readonly string[];
  /** The subject's consent to one of `purposes` is what lacks (the purpose itself is enabled). */
  readonly consentMissing: boolean;

  constructor(field: ProfileField, purposes: readonly string[], consentMissing = false) {
    const named = purposes.map((p) => `"${p}"`).join(' or ');
    super(
      'PROFILE_FIELD_NOT_ALLOWED',
      consentMissing
        ? `"${field}" is needed only for ${named}, which rests on the customer’s consent: record its consent to ${named} first`
        : purposes.length > 0
          ? `no purpose enabled for this merchant needs "${field}": it lacks ${named}; an operator can enable the plugin that declares it`
          : `no installed purpose needs "${field}": the gateway does not collect it`,
    );
    this.field = field;
    this.purposes = purposes;
    this.consentMissing = consentMissing;
  }
}

/** Whether the subject allows a consent-based purpose now (the consent plugin's `allows`; false without it). */
export type ConsentQuestion = (purpose: string) => Promise<boolean>;

/**
 * Minimization for customer profiles: which fields a merchant may collect follows from the
 * purposes enabled for it. Answered from the plugin declarations and the in-memory switchboard,
 * so checking costs no I/O.
 */
export class ProfilePurposes {
  readonly #all: readonly DeclaredPurpose[];
  readonly #isEnabled: (plugin: string, merchantId: string) => boolean;

  constructor(
    definitions: readonly PluginDefinition[],
    isEnabled: (plugin: string, merchantId: string) => boolean,
  ) {
    const seen = new Map<string, string>();
    this.#all = definitions.flatMap(({ name: plugin, purposes }) =>
      Object.entries(purposes ?? {}).map(([name, purpose]) => {
        const other = seen.get(name);
        if (other !== undefined) {
          throw new BootError({
            plugin,
            problem: `it declares the purpose "${name}", which "${other}" declares too`,
            fix: 'name purposes after what they are for, uniquely across plugins (prefix with the plugin name)',
          });
        }
        seen.set(name, plugin);
        return { name, plugin, ...purpose };
      }),
    );
    this.#isEnabled = isEnabled;
  }

  /** Every installed purpose, in plugin order. */
  all(): readonly DeclaredPurpose[] {
    return this.#all;
  }

  /** The purposes enabled for the merchant. */
  enabledFor(merchantId: string): readonly DeclaredPurpose[] {
    return this.#all.filter((p) => this.#isEnabled(p.plugin, merchantId));
  }

  /**
   * Throws ProfileFieldNotAllowed for the first of `fields` (in PROFILE_FIELDS order) that no
   * enabled purpose needs, or that only consent-based purposes need and the subject allows none
   * of (`consentMissing`, naming those purposes). Consent is asked only for such fields.
   */
  async assertCollectable(
    merchantId: string,
    fields: readonly ProfileField[],
    allows: ConsentQuestion,
  ): Promise<void> {
    for (const field of PROFILE_FIELDS) {
      if (!fields.includes(field)) continue;
      const refusal = await this.#refusal(merchantId, field, allows);
      if (refusal) throw refusal;
    }
  }

  /**
   * Of the fields a merchant keeps for a subject, those it may keep no longer: the ones
   * `assertCollectable` would refuse now, e.g. after the subject withdrew the only consent that
   * let the merchant collect them (GDPR Art. 7(3) and 17(1)(b)).
   */
  async uncollectable(
    merchantId: string,
    fields: readonly ProfileField[],
    allows: ConsentQuestion,
  ): Promise<ProfileField[]> {
    const refused: ProfileField[] = [];
    for (const field of PROFILE_FIELDS) {
      if (fields.includes(field) && (await this.#refusal(merchantId, field, allows))) refused.push(field);
    }
    return refused;
  }

  async #refusal(
    merchantId: string,
    field: ProfileField,
    allows: ConsentQuestion,
  ): Promise<ProfileFieldNotAllowed | null> {
    const needing = this.enabledFor(merchantId).filter((p) => p.profile.includes(field));
    if (needing.some((p) => p.basis !== 'consent')) return null;
    if (needing.length === 0) {
      return new ProfileFieldNotAllowed(
        field,
        this.#all.filter((p) => p.profile.includes(field)).map((p) => p.name),
      );
    }
    const granted = await Promise.all(needing.map((p) => allows(p.name)));
    return granted.includes(true)
      ? null
      : new ProfileFieldNotAllowed(
          field,
          needing.map((p) => p.name),
          true,
        );
  }
}
