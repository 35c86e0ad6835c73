import { type GatewayBuilder, registerErrorType, ValidationError } from '../../core/plugin-api.ts';
import { InvalidTotpCode, TotpAlreadyEnrolled, TotpLocked, TotpNotEnrolled } from './totp.errors.ts';
import type { TotpConfirmation, TotpEnrollment, TotpService, TotpVerification } from './totp.service.ts';
import { TotpFactor } from './totp-factor.entity.ts';

const signedIn = { authenticated: true } as const;
const CODE_OR_RECOVERY_CODE = 'A 6-digit code from the authenticator, or one of the recovery codes.';

function registerErrors(builder: GatewayBuilder): void {
  registerErrorType(builder, InvalidTotpCode, {
    fields: (t) => ({
      attemptsRemaining: t.exposeInt('attemptsRemaining', {
        description: 'Failed attempts left before the factor locks.',
      }),
    }),
  });
  registerErrorType(builder, TotpLocked, {
    fields: (t) => ({ retryAt: t.expose('retryAt', { type: 'DateTime' }) }),
  });
  registerErrorType(builder, TotpNotEnrolled);
  registerErrorType(builder, TotpAlreadyEnrolled);
}

export function registerTotpSchema(builder: GatewayBuilder, totp: TotpService): void {
  registerErrors(builder);
  const proofErrors = [InvalidTotpCode, TotpLocked, TotpNotEnrolled];

  // Upper case, unlike every other enum of the API: kept for one release behind `status`.
  const TotpStatus = builder.enumType('TotpStatus', {
    description: 'Deprecated with `TotpFactor.status`: read `state` (TotpFactorState).',
    values: {
      PENDING: { description: 'Enrolled, waiting for the first valid code.' },
      ACTIVE: { description: 'Confirmed: actions that need step-up ask for a code.' },
    },
  });
  const TotpFactorState = builder.enumType('TotpFactorState', {
    values: {
      pending: { description: 'Enrolled, waiting for the first valid code.' },
      active: { description: 'Confirmed: actions that need step-up ask for a code.' },
    },
  });

  const Factor = builder.objectType(TotpFactor, {
    name: 'TotpFactor',
    description: 'The caller’s TOTP second factor. Its secret is never shown again after enrollment.',
    authScopes: signedIn,
    fields: (t) => ({
      state: t.field({
        type: TotpFactorState,
        resolve: (f) => (f.activatedAt ? 'active' : 'pending'),
      }),
      status: t.field({
        type: TotpStatus,
        deprecationReason: 'Use state (lower case, as every other enum); removed in the next release.',
        resolve: (f) => (f.activatedAt ? 'ACTIVE' : 'PENDING'),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      activatedAt: t.expose('activatedAt', { type: 'DateTime', nullable: true }),
      lockedUntil: t.field({
        type: 'DateTime',
        nullable: true,
        resolve: (f) => (f.lockedUntil && f.lockedUntil > new Date() ? f.lockedUntil : null),
      }),
      recoveryCodesRemaining: t.int({
        resolve: (f, _args, ctx) => totp.recoveryCodesRemaining(ctx, f.id),
      }),
    }),
  });

  const Enrollment = builder.objectRef<TotpEnrollment>('TotpEnrollment').implement({
    description:
      'Show `qrCode` (or `secret` for typing by hand) to the user once, then ask for the first code to confirm.',
    authScopes: signedIn,
    fields: (t) => ({
      uri: t.exposeString('uri', {
        description: 'The `otpauth://totp/...` key URI; it contains the secret.',
      }),
      qrCode: t.exposeString('qrCode', {
        description: 'The URI as a QR code: a PNG `data:` URL for `<img src>`.',
      }),
      secret: t.exposeString('secret', { description: 'Base32, for authenticators without a camera.' }),
      issuer: t.exposeString('issuer'),
      accountName: t.exposeString('accountName'),
    }),
  });

  const Confirmation = builder.objectRef<TotpConfirmation>('TotpConfirmation').implement({
    authScopes: signedIn,
    fields: (t) => ({
      factor: t.field({ type: Factor, resolve: (c) => c.factor }),
      recoveryCodes: t.stringList({
        description: 'Ten single-use codes for when the authenticator is lost. Shown only now.',
        resolve: (c) => [...c.recoveryCodes],
      }),
      stepUp: t.field({ type: 'StepUpGrant', resolve: (c) => c.stepUp }),
    }),
  });

  const Verification = builder.objectRef<TotpVerification>('TotpVerification').implement({
    authScopes: signedIn,
    fields: (t) => ({
      stepUp: t.field({ type: 'StepUpGrant', resolve: (v) => v.stepUp }),
      usedRecoveryCode: t.exposeBoolean('usedRecoveryCode'),
      recoveryCodesRemaining: t.exposeInt('recoveryCodesRemaining'),
    }),
  });

  const RecoveryCodes = builder.objectRef<{ codes: readonly string[] }>('TotpRecoveryCodes').implement({
    authScopes: signedIn,
    fields: (t) => ({
      codes: t.stringList({
        description: 'Shown only now; earlier codes no longer work.',
        resolve: (r) => [...r.codes],
      }),
    }),
  });

  const Disabled = builder.objectRef<{ disabledAt: Date }>('TotpDisabled').implement({
    authScopes: signedIn,
    fields: (t) => ({ disabledAt: t.expose('disabledAt', { type: 'DateTime' }) }),
  });

  builder.queryField('totpFactor', (t) =>
    t.withAuth(signedIn).field({
      type: Factor,
      nullable: true,
      description: 'The caller’s TOTP factor, if it has started enrollment.',
      resolve: (_root, _args, ctx) => totp.find(ctx),
    }),
  );

  builder.mutationFields((t) => ({
    enrollTotp: t.withAuth(signedIn).field({
      type: Enrollment,
      description: 'Starts enrollment (or restarts a pending one with a new secret).',
      args: {
        accountName: t.arg.string({
          description:
            'Shown in the authenticator, e.g. the user’s e-mail. Defaults to the key label or customer ref.',
        }),
      },
      errors: { types: [TotpAlreadyEnrolled, ValidationError] },
      resolve: (_root, args, ctx) => totp.enroll(ctx, args.accountName),
    }),
    confirmTotp: t.withAuth(signedIn).field({
      type: Confirmation,
      description:
        'Activates the pending factor with its first code; returns recovery codes and a step-up grant.',
      args: { code: t.arg.string({ required: true, description: 'A 6-digit code from the authenticator.' }) },
      errors: { types: [...proofErrors, TotpAlreadyEnrolled] },
      resolve: (_root, args, ctx) => totp.confirm(ctx, args.code),
    }),
    verifyTotp: t.withAuth(signedIn).field({
      type: Verification,
      description: 'Proves the second factor: a step-up grant for this credential.',
      args: { code: t.arg.string({ required: true, description: CODE_OR_RECOVERY_CODE }) },
      errors: { types: proofErrors },
      resolve: (_root, args, ctx) => totp.verify(ctx, args.code),
    }),
    regenerateTotpRecoveryCodes: t.withAuth(signedIn).field({
      type: RecoveryCodes,
      args: { code: t.arg.string({ required: true, description: CODE_OR_RECOVERY_CODE }) },
      errors: { types: proofErrors },
      resolve: async (_root, args, ctx) => ({ codes: await totp.regenerateRecoveryCodes(ctx, args.code) }),
    }),
    disableTotp: t.withAuth(signedIn).field({
      type: Disabled,
      description: 'Removes the factor and its recovery codes. Enroll again for a new secret.',
      args: { code: t.arg.string({ required: true, description: CODE_OR_RECOVERY_CODE }) },
      errors: { types: proofErrors },
      resolve: async (_root, args, ctx) => ({ disabledAt: await totp.disable(ctx, args.code) }),
    }),
  }));
}
