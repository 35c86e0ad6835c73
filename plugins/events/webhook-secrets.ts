import { randomBytes } from 'node:crypto';
import type { SecretBox } from '../../core/plugin-api.ts';

const PURPOSE = 'webhook-secret';

/** A new signing secret, recognisable by its prefix: 256 random bits. */
export function mintWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** Sealed at rest, bound to its endpoint: a sealed secret copied to another row does not open. */
export function sealWebhookSecret(secrets: SecretBox, endpointId: string, secret: string): string {
  return secrets.seal(PURPOSE, secret, endpointId);
}

export function openWebhookSecret(secrets: SecretBox, endpointId: string, sealed: string): string {
  return secrets.openString(PURPOSE, sealed, endpointId);
}
