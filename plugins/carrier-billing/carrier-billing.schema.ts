import {
  type GatewayBuilder,
  money,
  moneyRefs,
  NotFoundError,
  registerErrorType,
  ValidationError,
} from '../../core/plugin-api.ts';
import { CarrierBillingSource } from './billing-source.entity.ts';
import { CarrierVerificationError, VERIFICATION_FAILURES } from './carrier-billing.errors.ts';
import type { CarrierBillingService, SandboxInboxItem } from './carrier-billing.service.ts';
import { CARRIERS } from './phone-number.ts';
import type { MonthlyUsage } from './sandbox-carrier.ts';
import { MESSAGE_PURPOSES } from './sandbox-message.entity.ts';
import { CarrierVerification } from './verification.entity.ts';

const owners = { $any: { operator: true, merchant: true, customer: true } } as const;

export function registerCarrierBillingSchema(
  builder: GatewayBuilder,
  carrier: CarrierBillingService,
  options: { sandboxOutbox: boolean },
): void {
  const { Money } = moneyRefs(builder);
  const Carrier = builder.enumType('Carrier', { values: CARRIERS, description: 'Korean mobile carriers.' });
  const Failure = builder.enumType('CarrierVerificationFailure', { values: VERIFICATION_FAILURES });

  registerErrorType(builder, CarrierVerificationError, {
    fields: (t) => ({
      reason: t.field({ type: Failure, resolve: (e) => e.reason }),
      attemptsLeft: t.exposeInt('attemptsLeft'),
    }),
  });

  builder.objectType(CarrierVerification, {
    name: 'CarrierVerification',
    description: 'A one-time code was texted to the phone; confirm it with `confirmCarrierVerification`.',
    authScopes: owners,
    fields: (t) => ({
      id: t.exposeID('id'),
      maskedPhoneNumber: t.string({
        nullable: true,
        description: '`010-****-5678`; null once the holder’s data is erased.',
        resolve: (v, _args, ctx) => carrier.maskedPhoneNumber(ctx, v),
      }),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

  const MonthlyLimit = builder.objectRef<MonthlyUsage>('CarrierMonthlyLimit').implement({
    description: 'The phone line’s monthly carrier billing cap, in the current month (Asia/Seoul).',
    authScopes: owners,
    fields: (t) => ({
      month: t.exposeString('month', { description: '`2026-02`, in Asia/Seoul time.' }),
      cap: t.field({ type: Money, resolve: (u) => money(u.cap, 'KRW') }),
      used: t.field({ type: Money, resolve: (u) => money(u.used, 'KRW') }),
      remaining: t.field({ type: Money, resolve: (u) => money(u.cap - u.used, 'KRW') }),
    }),
  });

  builder.objectType(CarrierBillingSource, {
    name: 'CarrierBillingSource',
    description: 'A verified phone subscription. Pay with it by passing its id as `sourceId`.',
    authScopes: owners,
    fields: (t) => ({
      id: t.exposeID('id'),
      carrier: t.field({ type: Carrier, resolve: (s) => s.carrier }),
      maskedPhoneNumber: t.string({
        nullable: true,
        description: '`010-****-5678`; null once the holder’s data is erased.',
        resolve: (s, _args, ctx) => carrier.maskedPhoneNumber(ctx, s),
      }),
      monthlyLimit: t.field({
        type: MonthlyLimit,
        resolve: (s, _args, ctx) => carrier.monthlyUsage(ctx, s.subscriber),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const StartInput = builder.inputType('StartCarrierVerificationInput', {
    fields: (t) => ({
      phoneNumber: t.string({ required: true, description: 'A Korean mobile number, e.g. 010-1234-5678.' }),
      carrier: t.field({ type: Carrier, required: true }),
      customerRef: t.string({
        description:
          'Whose phone this is, as the merchant knows the customer: required with a merchant key (the number is sealed under that customer’s key, and the source pays only for them); a customer session omits it.',
      }),
    }),
  });

  builder.mutationFields((t) => ({
    startCarrierVerification: t.withAuth({ $any: { merchant: true, customer: true } }).field({
      type: CarrierVerification,
      description: 'Texts a one-time code to the phone (in the sandbox: to `carrierSandboxOutbox`).',
      args: { input: t.arg({ type: StartInput, required: true }) },
      errors: { types: [ValidationError, CarrierVerificationError] },
      resolve: (_root, { input }, ctx) => carrier.startVerification(ctx, input),
    }),
    confirmCarrierVerification: t.withAuth({ $any: { merchant: true, customer: true } }).field({
      type: CarrierBillingSource,
      description: 'The code from the phone; a right one returns the source to pay with.',
      args: { id: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
      errors: { types: [NotFoundError, CarrierVerificationError] },
      resolve: (_root, { id, code }, ctx) => carrier.confirmVerification(ctx, String(id), code),
    }),
  }));

  builder.queryField('carrierBillingSource', (t) =>
    t.withAuth(owners).field({
      type: CarrierBillingSource,
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => carrier.getSource(ctx, String(id)),
    }),
  );

  if (!options.sandboxOutbox) return;
  const sandboxReaders = { $any: { operator: true, merchant: true } } as const;

  const SandboxMessage = builder.objectRef<SandboxInboxItem>('CarrierSandboxMessage').implement({
    description: 'A text message the simulated carrier sent. Sandbox only.',
    authScopes: sandboxReaders,
    fields: (t) => ({
      id: t.id({ resolve: (m) => m.message.id }),
      purpose: t.field({
        type: builder.enumType('CarrierSandboxMessagePurpose', { values: MESSAGE_PURPOSES }),
        resolve: (m) => m.message.purpose,
      }),
      reference: t.id({
        description: 'The verification id, or the payment reference at the carrier.',
        resolve: (m) => m.message.reference,
      }),
      text: t.exposeString('text'),
      code: t.exposeString('code'),
      createdAt: t.field({ type: 'DateTime', resolve: (m) => m.message.createdAt }),
      expiresAt: t.field({ type: 'DateTime', resolve: (m) => m.message.expiresAt }),
    }),
  });

  const SandboxInbox = builder.objectRef<{ messages: SandboxInboxItem[] }>('CarrierSandboxInbox').implement({
    authScopes: sandboxReaders,
    fields: (t) => ({ messages: t.field({ type: [SandboxMessage], resolve: (inbox) => inbox.messages }) }),
  });

  builder.queryField('carrierSandboxOutbox', (t) =>
    t.withAuth(sandboxReaders).field({
      type: SandboxInbox,
      description:
        'Sandbox only: the texts the simulated carrier sent to a phone, newest first. A merchant sees those for its own verifications and charges.',
      args: { phoneNumber: t.arg.string({ required: true }), last: t.arg.int({ defaultValue: 10 }) },
      errors: { types: [ValidationError] },
      resolve: async (_root, args, ctx) => ({
        messages: await carrier.sandboxInbox(ctx, args.phoneNumber, args.last ?? 10),
      }),
    }),
  );
}
