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
