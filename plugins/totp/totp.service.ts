import { randomUUID } from 'node:crypto';
import { UniqueConstraintViolationException } from '@mikro-orm/core';
import QRCode from 'qrcode';
import {
  ApiKey,
  type AuthenticatedContext,
  type AuthenticatedPrincipal,
  type PluginRuntime,
  type PrincipalKind,
  type RequestContext,
  type StepUpFactor,
  type StepUpGrantView,
  ValidationError,
} from '../../core/plugin-api.ts';
import {
  hashRecoveryCode,
  mintRecoveryCode,
  normaliseRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.ts';
import { InvalidTotpCode, TotpAlreadyEnrolled, TotpLocked, TotpNotEnrolled } from './totp.errors.ts';
import type { TotpOptions } from './totp.options.ts';
import { claimStep, consumeRecoveryCode, type LockoutPolicy, recordFailure } from './totp-attempts.ts';
import { matchingStep, newTotpSecret, normaliseTotpCode, otpauthUri } from './totp-code.ts';
import { TotpFactor } from './totp-factor.entity.ts';
import { TotpRecoveryCode } from './totp-recovery-code.entity.ts';

const SECRET_PURPOSE = 'totp.secret';
/** Where an end user's sealed secret is stored: binds it to its row. */
export const secretBinding = (factorId: string) => `TotpFactor.secretSealed:${factorId}`;
const FACTOR_NAME = 'totp';

/** API keys own their factor (one per key, one per person); end users own theirs across sessions. */
type Owner =
  | { apiKey: string; merchant: null; subject: null }
  | { apiKey: null; merchant: string; subject: string };

function ownerOf(principal: AuthenticatedPrincipal): Owner {
  switch (principal.kind) {
    case 'operator':
    case 'merchant':
    case 'partner':
      return { apiKey: principal.keyId, merchant: null, subject: null };
    case 'customer':
      return { apiKey: null, merchant: principal.merchantId, subject: principal.subjectId };
  }
}

function accountNameFrom(input: string): string {
  const name = input.trim();
  if (name.length === 0 || name.length > 100)
    throw new ValidationError('accountName', 'accountName must be 1 to 100 characters');
  if (name.includes(':'))
    throw new ValidationError(
      'accountName',
      'accountName may not contain ":" (it separates issuer and account)',
    );
  return name;
}

export interface TotpEnrollment {
  /** `otpauth://totp/...`: holds the secret; shown once, never stored in the clear. */
  readonly uri: string;
  /** The URI as a QR code, a PNG data URL. */
  readonly qrCode: string;
  /** Base32, for typing into an authenticator by hand. */
  readonly secret: string;
  readonly issuer: string;
  readonly accountName: string;
}

export interface TotpConfirmation {
  readonly factor: TotpFactor;
  /** Shown once: only their hashes are kept. */
  readonly recoveryCodes: readonly string[];
  readonly stepUp: StepUpGrantView;
}

export interface TotpVerification {
  readonly stepUp: StepUpGrantView;
  readonly usedRecoveryCode: boolean;
  readonly recoveryCodesRemaining: number;
}

/**
 * TOTP (RFC 6238) as a step-up factor: enrollment, verification, recovery codes, disabling.
 * A code is never logged or stored; the secret only sealed, bound to its row.
 */
export class TotpService implements StepUpFactor {
  readonly name = FACTOR_NAME;
  readonly requiredFor: readonly PrincipalKind[];
  readonly #runtime: PluginRuntime<TotpOptions>;
  readonly #lockout: LockoutPolicy;

  constructor(runtime: PluginRuntime<TotpOptions>) {
    this.#runtime = runtime;
    this.requiredFor = runtime.options.requiredFor;
    this.#lockout = {
      maxAttempts: runtime.options.maxAttempts,
      lockSeconds: runtime.options.lockSeconds,
      maxLockSeconds: runtime.options.maxLockSeconds,
    };
  }

  /** Asked by step-up for any caller, signed in or not: an anonymous one owns no factor. */
  async isEnrolled(ctx: RequestContext): Promise<boolean> {
    if (ctx.principal.kind === 'anonymous') return false;
    const owner = ownerOf(ctx.principal);
    return (await ctx.em.count(TotpFactor, { ...owner, activatedAt: { $ne: null } })) > 0;
  }

  /** The caller's factor, pending or active, as stored now. */
  find(ctx: AuthenticatedContext): Promise<TotpFactor | null> {
    return ctx.em.findOne(TotpFactor, ownerOf(ctx.principal), { refresh: true });
  }

  recoveryCodesRemaining(ctx: RequestContext, factorId: string): Promise<number> {
    return ctx.em.count(TotpRecoveryCode, { factor: factorId, usedAt: null });
  }

  /**
   * Starts (or restarts) enrollment with a new secret. The factor stays pending, and step-up
   * ignores it, until `confirm` receives a valid code.
   */
  async enroll(ctx: AuthenticatedContext, accountName?: string | null): Promise<TotpEnrollment> {
    const owner = ownerOf(ctx.principal);
    const account = accountName == null ? await this.#defaultAccountName(ctx) : accountNameFrom(accountName);
    const secret = newTotpSecret();
    const existing = await ctx.em.findOne(TotpFactor, owner, { refresh: true });
    if (existing?.activatedAt) throw new TotpAlreadyEnrolled();
    let factorId: string;
    if (existing) {
      factorId = existing.id;
      const replaced = await ctx.em.nativeUpdate(
        TotpFactor,
        { id: factorId, activatedAt: null },
        { secretSealed: await this.#seal(ctx, owner, secret, factorId), lastUsedStep: null },
      );
      if (replaced === 0) throw new TotpAlreadyEnrolled();
    } else {
      factorId = randomUUID();
      try {
        await ctx.em.insert(TotpFactor, {
          id: factorId,
          ...owner,
          secretSealed: await this.#seal(ctx, owner, secret, factorId),
          lastUsedStep: null,
          failedAttempts: 0,
          lockouts: 0,
          lockedUntil: null,
          createdAt: new Date(),
          activatedAt: null,
        });
      } catch (error) {
        // A concurrent enrollment of the same owner won the insert: restart on its row.
        if (error instanceof UniqueConstraintViolationException) return this.enroll(ctx, accountName);
        throw error;
      }
    }
    const { issuer } = this.#runtime.options;
    const uri = otpauthUri(issuer, account, secret);
    const qrCode = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 256 });
    ctx.log.info({ factorId }, 'totp enrollment started');
    return { uri, qrCode, secret, issuer, accountName: account };
  }

  /** Activates a pending factor with its first valid code; returns the recovery codes and a grant. */
  async confirm(ctx: AuthenticatedContext, code: string): Promise<TotpConfirmation> {
    const factor = await this.find(ctx);
    if (!factor) throw new TotpNotEnrolled(false);
    if (factor.activatedAt) throw new TotpAlreadyEnrolled();
    await this.#prove(ctx, factor, code, { recoveryCodes: false });
    const recoveryCodes = await this.#replaceRecoveryCodes(ctx, factor.id);
    const stepUp = await this.#grant(ctx);
    ctx.log.info({ factorId: factor.id }, 'totp enrollment confirmed');
    return { factor: (await this.find(ctx))!, recoveryCodes, stepUp };
  }

  /** A TOTP code or a recovery code for a step-up grant. */
  async verify(ctx: AuthenticatedContext, code: string): Promise<TotpVerification> {
    const factor = await this.#active(ctx);
    const used = await this.#prove(ctx, factor, code, { recoveryCodes: true });
    const stepUp = await this.#grant(ctx);
    return {
      stepUp,
      usedRecoveryCode: used === 'recovery',
      recoveryCodesRemaining: await this.recoveryCodesRemaining(ctx, factor.id),
    };
  }

  /** New recovery codes replace all earlier ones; needs a valid TOTP or recovery code. */
  async regenerateRecoveryCodes(ctx: AuthenticatedContext, code: string): Promise<readonly string[]> {
    const factor = await this.#active(ctx);
    await this.#prove(ctx, factor, code, { recoveryCodes: true });
    const codes = await this.#replaceRecoveryCodes(ctx, factor.id);
    ctx.log.info({ factorId: factor.id }, 'totp recovery codes regenerated');
    return codes;
  }

  /** Removes the factor and its recovery codes; needs a valid TOTP or recovery code. */
  async disable(ctx: AuthenticatedContext, code: string): Promise<Date> {
    const factor = await this.#active(ctx);
    await this.#prove(ctx, factor, code, { recoveryCodes: true });
    await ctx.em.nativeDelete(TotpFactor, { id: factor.id });
    ctx.log.info({ factorId: factor.id }, 'totp disabled');
    return new Date();
  }

  async #active(ctx: AuthenticatedContext): Promise<TotpFactor> {
    const factor = await this.find(ctx);
    if (!factor?.activatedAt) throw new TotpNotEnrolled(factor !== null);
    return factor;
  }

  async #defaultAccountName(ctx: AuthenticatedContext): Promise<string> {
    const { principal } = ctx;
    const name =
      principal.kind === 'customer'
        ? principal.customerRef
        : ((await ctx.em.findOne(ApiKey, { id: principal.keyId }))?.label ?? principal.kind);
    return name.replaceAll(':', ' ').slice(0, 100);
  }

  /** An end user's secret under its subject key; an API key's under the master key. */
  #seal(ctx: AuthenticatedContext, owner: Owner, secret: string, factorId: string): Promise<string> | string {
    if (owner.subject === null) return this.#runtime.secrets.seal(SECRET_PURPOSE, secret, factorId);
    return ctx.services.privacy.keys.seal(ctx.em, owner.subject, secret, secretBinding(factorId));
  }

  /** The secret, or null once the end user's subject key is shredded. */
  #open(ctx: AuthenticatedContext, factor: TotpFactor): Promise<string | null> | string {
    if (!factor.subject)
      return this.#runtime.secrets.openString(SECRET_PURPOSE, factor.secretSealed, factor.id);
    return ctx.services.privacy.keys.open(ctx.em, factor.secretSealed, secretBinding(factor.id));
  }

  /**
   * Checks a code against the factor and records the outcome atomically: a success uses up its
   * time step (or recovery code), a failure counts towards the lock. Throws on failure.
   */
  async #prove(
    ctx: AuthenticatedContext,
    factor: TotpFactor,
    input: string,
    allow: { recoveryCodes: boolean },
  ): Promise<'totp' | 'recovery'> {
    const now = new Date();
    if (factor.lockedUntil && factor.lockedUntil > now) throw new TotpLocked(factor.lockedUntil);
    const code = normaliseTotpCode(input);
    if (code) {
      const secret = await this.#open(ctx, factor);
      if (secret === null) throw new TotpNotEnrolled(false);
      const nowSeconds = Math.floor(now.getTime() / 1000);
      const step = await matchingStep(secret, code, nowSeconds, this.#runtime.options.window);
      const fresh = step !== null && (factor.lastUsedStep == null || step > factor.lastUsedStep);
      if (fresh && (await claimStep(ctx.em, factor.id, step, now))) return 'totp';
    } else if (allow.recoveryCodes) {
      const recovery = normaliseRecoveryCode(input);
      if (recovery && (await consumeRecoveryCode(ctx.em, factor.id, hashRecoveryCode(recovery), now))) {
        ctx.log.info({ factorId: factor.id }, 'totp recovery code used');
        return 'recovery';
      }
    }
    const outcome = await recordFailure(ctx.em, factor.id, now, this.#lockout);
    if (outcome.locked) {
      const until = outcome.until ?? (await this.find(ctx))?.lockedUntil ?? now;
      ctx.log.warn({ factorId: factor.id, lockedUntil: until }, 'totp locked after failed attempts');
      throw new TotpLocked(until);
    }
    ctx.log.info({ factorId: factor.id, attemptsRemaining: outcome.attemptsRemaining }, 'totp code rejected');
    throw new InvalidTotpCode(outcome.attemptsRemaining);
  }

  async #replaceRecoveryCodes(ctx: RequestContext, factorId: string): Promise<readonly string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, mintRecoveryCode);
    const createdAt = new Date();
    await ctx.em.transactional(async (em) => {
      await em.nativeDelete(TotpRecoveryCode, { factor: factorId });
      await em.insertMany(
        TotpRecoveryCode,
        codes.map((code) => ({
          id: randomUUID(),
          factor: factorId,
          codeHash: hashRecoveryCode(normaliseRecoveryCode(code)!),
          usedAt: null,
          createdAt,
        })),
      );
    });
    return codes;
  }

  #grant(ctx: AuthenticatedContext): Promise<StepUpGrantView> {
    return ctx.services.stepUp.grant(ctx, FACTOR_NAME, this.#runtime.options.grantTtlSeconds);
  }
}
