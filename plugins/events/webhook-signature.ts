import { createHmac, timingSafeEqual } from 'node:crypto';

/** The request header that carries `t=<unix seconds>,v1=<hex>[,v1=<hex>]`. */
export const SIGNATURE_HEADER = 'gateway-signature';
/** Receivers refuse signatures older (or newer) than this, against replayed requests. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** HMAC-SHA256 of `<timestamp>.<raw body>` keyed with the endpoint's secret, as hex (Stripe's scheme). */
export function computeSignature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex');
}

/** One `v1` per secret: during a rotation's overlap both the new and the old secret sign. */
export function signatureHeader(secrets: readonly string[], timestamp: number, rawBody: string): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((secret) => `v1=${computeSignature(secret, timestamp, rawBody)}`),
  ].join(',');
}

export interface VerifyOptions {
  header: string | null | undefined;
  rawBody: string;
  secret: string;
  toleranceSeconds?: number;
  /** Unix seconds; defaults to now. */
  now?: number;
}

/** What a receiver does: a fresh timestamp and one matching `v1`, compared in constant time. */
export function verifyWebhookSignature(options: VerifyOptions): boolean {
  if (!options.header) return false;
  const parts = options.header.split(',').map((part) => part.trim().split('='));
  const timestamp = Number(parts.find(([key]) => key === 't')?.[1]);
  if (!Number.isInteger(timestamp)) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  const expected = Buffer.from(computeSignature(options.secret, timestamp, options.rawBody), 'hex');
  return parts
    .filter(([key, value]) => key === 'v1' && value && /^[0-9a-f]{64}$/.test(value))
    .some(([, value]) => timingSafeEqual(Buffer.from(value!, 'hex'), expected));
}
