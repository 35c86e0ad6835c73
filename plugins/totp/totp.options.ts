import { z } from 'zod';

export const TOTP_PRINCIPAL_KINDS = ['operator', 'merchant', 'partner', 'customer'] as const;

export const totpOptions = z.strictObject({
  /** Shown in the authenticator app above the account name. */
  issuer: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((s) => !s.includes(':'), 'the issuer may not contain ":" (it separates issuer and account)')
    .default('Micropay Gateway'),
  /** Codes of this many 30-second steps before or after now are accepted too (clock drift). */
  window: z.number().int().min(0).max(10).default(1),
  /** How long a verification lets the credential perform actions that need step-up. */
  grantTtlSeconds: z.number().int().min(1).max(86_400).default(300),
  /** Principal kinds that must enroll before any action that needs step-up, e.g. ['operator']. */
  requiredFor: z.array(z.enum(TOTP_PRINCIPAL_KINDS)).default([]),
  /** Failed attempts before the factor locks. */
  maxAttempts: z.number().int().min(1).max(100).default(5),
  /** The first lock; each further lock before a success lasts twice as long. */
  lockSeconds: z.number().int().min(1).max(86_400).default(30),
  maxLockSeconds: z
    .number()
    .int()
    .min(1)
    .max(7 * 86_400)
    .default(3600),
});

export type TotpOptions = z.output<typeof totpOptions>;
