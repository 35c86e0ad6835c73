import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { ScopeLoaderFactory } from '../../schema/builder.ts';
import type { AuthenticatedContext, RequestContext } from '../context.ts';
import type { AuthenticatedPrincipal, PrincipalKind } from './principal.ts';
import { type StepUpCredentialKind, StepUpGrant } from './step-up-grant.entity.ts';

declare module '../global-types.ts' {
  interface GatewayAuthScopes {
    /** The named action needs a fresh second-factor verification: `authScopes: { stepUp: 'api_key.create' }`. */
    stepUp: string;
  }
}

export const DEFAULT_GRANT_TTL_SECONDS = 300;

/**
 * A second factor (TOTP, WebAuthn, ...) as the step-up service sees it. Factor plugins register
 * one; the kernel knows nothing else about them.
 */
export interface StepUpFactor {
  /** Named to clients in `extensions.stepUp.factors`, and recorded on the grants it issues. */
  readonly name: string;
  /** Principal kinds that must have this factor: without one they are refused with `enrolled: false`. */
  readonly requiredFor: readonly PrincipalKind[];
  /** Whether the caller has an active (confirmed) factor of this kind. */
  isEnrolled(ctx: RequestContext): Promise<boolean>;
}

/** What a client needs to act on a refusal: which action, which factors would do, and whether it has one. */
export interface StepUpChallenge {
  readonly action: string;
  readonly factors: readonly string[];
  readonly enrolled: boolean;
}

/** `extensions.code = 'STEP_UP_REQUIRED'`, with `extensions.stepUp` = the challenge. */
export class StepUpRequiredError extends GraphQLError {
  readonly challenge: StepUpChallenge;

  constructor(challenge: StepUpChallenge) {
    super(
      challenge.enrolled
        ? `"${challenge.action}" needs a fresh second-factor verification: verify a code, then retry`
        : `"${challenge.action}" needs a second factor: enroll one and verify it, then retry`,
      { extensions: { code: 'STEP_UP_REQUIRED', stepUp: challenge } },
    );
    this.challenge = challenge;
  }
}

/** A grant as clients and plugins see it. */
export interface StepUpGrantView {
  readonly factor: string;
  readonly expiresAt: Date;
}

function credentialOf(principal: AuthenticatedPrincipal): { kind: StepUpCredentialKind; id: string } {
  switch (principal.kind) {
    case 'operator':
    case 'merchant':
    case 'partner':
      return { kind: 'api_key', id: principal.keyId };
    case 'customer':
      return { kind: 'customer_session', id: principal.sessionId };
  }
}

/**
 * Step-up: risky actions need a recent second-factor verification by the same credential.
 *
 * Who is asked: a principal with an active factor always; one without a factor only when a
 * factor plugin lists its kind in `requiredFor`. With no factor plugin installed nothing is
 * ever refused, so a fresh install (and every plugin's tests) work before anyone enrolls.
 * Step-up is not authentication: an anonymous caller has no credential to bind a grant to
 * and is left to the field's other scopes.
 */
export class StepUpService {
  readonly #factors: StepUpFactor[] = [];

  registerFactor(factor: StepUpFactor): void {
    if (this.#factors.some((f) => f.name === factor.name))
      throw new Error(`a step-up factor named "${factor.name}" is already registered`);
    this.#factors.push(factor);
  }

  get factors(): readonly string[] {
    return this.#factors.map((f) => f.name);
  }

  /** Resolves when the caller may perform `action`; otherwise throws StepUpRequiredError. */
  async require(ctx: RequestContext, action: string): Promise<void> {
    if (this.#factors.length === 0 || ctx.principal.kind === 'anonymous') return;
    if (await this.currentGrant(ctx)) return;
    let enrolled = false;
    // One after another: ctx.em may be inside the caller's transaction, on a single connection.
    for (const factor of this.#factors) {
      if (await factor.isEnrolled(ctx)) {
        enrolled = true;
        break;
      }
    }
    const mandatory = this.#factors.some((f) => f.requiredFor.includes(ctx.principal.kind));
    if (!enrolled && !mandatory) return;
    ctx.log.info({ action, enrolled, principal: ctx.principal.kind }, 'step-up required');
    throw new StepUpRequiredError({ action, factors: this.factors, enrolled });
  }

  /**
   * Records that the caller's credential just proved `factor`; called by factor plugins only,
   * from fields behind the `authenticated` scope: an anonymous caller has no credential to bind
   * a grant to.
   */
  async grant(
    ctx: AuthenticatedContext,
    factor: string,
    ttlSeconds = DEFAULT_GRANT_TTL_SECONDS,
  ): Promise<StepUpGrantView> {
    const credential = credentialOf(ctx.principal);
    if (!this.#factors.some((f) => f.name === factor))
      throw new Error(`"${factor}" is not a registered step-up factor`);
    if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0)
      throw new Error('a step-up grant lasts a positive whole number of seconds');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + ttlSeconds * 1000);
    // Expired grants of this credential are of no further use; this keeps the table small.
    await ctx.em.nativeDelete(StepUpGrant, { credentialId: credential.id, expiresAt: { $lte: now } });
    // insert, not create + flush: the caller's unit of work is not ours to flush.
    await ctx.em.insert(StepUpGrant, {
      id: randomUUID(),
      credentialKind: credential.kind,
      credentialId: credential.id,
      factor,
      createdAt: now,
      expiresAt,
    });
    ctx.log.info({ factor, expiresAt }, 'step-up granted');
    return { factor, expiresAt };
  }

  /** The caller's unexpired grant that lasts longest, if any. */
  async currentGrant(ctx: RequestContext): Promise<StepUpGrantView | null> {
    if (ctx.principal.kind === 'anonymous') return null;
    const credential = credentialOf(ctx.principal);
    const grant = await ctx.em.findOne(
      StepUpGrant,
      { credentialKind: credential.kind, credentialId: credential.id, expiresAt: { $gt: new Date() } },
      { orderBy: { expiresAt: 'desc' } },
    );
    return grant ? { factor: grant.factor, expiresAt: grant.expiresAt } : null;
  }
}

/** The `stepUp` scope for Pothos scope-auth: refuses with StepUpRequiredError rather than FORBIDDEN. */
export function stepUpScope(stepUp: StepUpService): ScopeLoaderFactory {
  return (ctx) => ({
    stepUp: async (action: string) => {
      await stepUp.require(ctx, action);
      return true;
    },
  });
}
