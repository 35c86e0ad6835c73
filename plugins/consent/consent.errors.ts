import { GatewayError } from '../../core/plugin-api.ts';

/** The subject is under the age at which an applicable law lets it consent alone. */
export class GuardianConsentRequired extends GatewayError {
  readonly law: string;
  readonly minimumAge: number;
  readonly article: string;

  constructor(law: string, minimumAge: number, article: string) {
    super(
      'GUARDIAN_CONSENT_REQUIRED',
      `Under ${minimumAge} a guardian must consent (${article}): record it with recordGuardianConsent`,
    );
    this.law = law;
    this.minimumAge = minimumAge;
    this.article = article;
  }
}

/** A notice asks for two consents as one where an applicable pack wants a separate consent per purpose. */
export class BundledConsent extends GatewayError {
  readonly law: string;
  readonly article: string;
  readonly purpose: string;

  constructor(law: string, article: string, purpose: string, why: string) {
    super(
      'BUNDLED_CONSENT',
      `Purpose "${purpose}": ${why}; ${article} wants each purpose consented separately`,
    );
    this.law = law;
    this.article = article;
    this.purpose = purpose;
  }
}

/**
 * A notice asks for an item of a sensitive category without a consent of its own (under a
 * mandatory purpose, or together with other items) where an applicable pack wants one.
 */
export class SensitiveConsentRequired extends GatewayError {
  readonly law: string;
  readonly article: string;
  readonly purpose: string;
  readonly item: string;

  constructor(law: string, article: string, purpose: string, item: string, why: string) {
    super(
      'SENSITIVE_CONSENT_REQUIRED',
      `Purpose "${purpose}": ${why} ("${item}"); ${article} wants a consent of its own for it: an optional purpose that asks for the sensitive items only`,
    );
    this.law = law;
    this.article = article;
    this.purpose = purpose;
    this.item = item;
  }
}

/** A minor's opt-in to sale or sharing must be the minor's own action, not the merchant's on its behalf. */
export class MinorOptInRequired extends GatewayError {
  readonly law: string;
  readonly minimumAge: number;
  readonly article: string;

  constructor(law: string, minimumAge: number, article: string) {
    super(
      'MINOR_OPT_IN_REQUIRED',
      `Under ${minimumAge} only the subject’s own opt-in allows sale or sharing (${article}): ask the customer in a session`,
    );
    this.law = law;
    this.minimumAge = minimumAge;
    this.article = article;
  }
}
