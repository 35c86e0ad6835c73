import type { GatewayBuilder } from '../../schema/builder.ts';
import type { StepUpGrantView, StepUpService } from './step-up.ts';

declare module '../global-types.ts' {
  interface GatewayObjects {
    StepUpGrant: StepUpGrantView;
  }
}

/** `StepUpGrant`, which factor plugins return after a verification, and the caller's current grant. */
export function registerStepUpSchema(builder: GatewayBuilder, stepUp: StepUpService): void {
  builder.objectType('StepUpGrant', {
    description:
      'A recent second-factor verification: actions that need step-up are allowed until `expiresAt`.',
    authScopes: { authenticated: true },
    fields: (t) => ({
      factor: t.exposeString('factor', { description: 'The factor that was verified, e.g. `totp`.' }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

  builder.queryField('stepUpGrant', (t) =>
    t.field({
      type: 'StepUpGrant',
      nullable: true,
      description: 'The caller’s unexpired step-up grant, bound to the credential it was obtained with.',
      authScopes: { authenticated: true },
      resolve: (_root, _args, ctx) => stepUp.currentGrant(ctx),
    }),
  );
}
