import { type ResolveCursorConnectionArgs, resolveCursorConnection } from '@pothos/plugin-relay';
import {
  formatMicrosAsMinorDecimal,
  type GatewayBuilder,
  money,
  moneyFromInput,
  moneyRefs,
  NotFoundError,
} from '../../core/plugin-api.ts';
import type { PaymentService } from './payment.service.ts';
import { MONEY_MOVEMENT_ERRORS, registerPaymentErrorTypes } from './payment-error-types.ts';
import type { JanitorReport as JanitorReportData, PaymentJanitor } from './payment-janitor.ts';
import { listPayments, paymentCursor } from './payment-list.ts';
import type { PaymentMethod } from './payment-method.ts';
import { PaymentOperation } from './payment-operation.entity.ts';
import {
  ACTION_TYPES,
  CAPTURE_METHODS,
  OPERATION_KINDS,
  OPERATION_STATUSES,
  PAYMENT_STATUSES,
} from './payment-status.ts';
import type { PaymentView } from './payment-view.ts';

declare module '../../core/global-types.ts' {
  interface GatewayObjects {
    Payment: PaymentView;
  }
}

const READERS = { $any: { operator: true, merchant: true, partner: true, customer: true } } as const;
const MOVERS = { $any: { operator: true, merchant: true } } as const;

export function registerPaymentsSchema(
  builder: GatewayBuilder,
  payments: PaymentService,
  janitor: PaymentJanitor,
) {
  const { Money, MoneyInput } = moneyRefs(builder);
  registerPaymentErrorTypes(builder);

  const PaymentStatus = builder.enumType('PaymentStatus', { values: PAYMENT_STATUSES });
  const CaptureMethod = builder.enumType('CaptureMethod', { values: CAPTURE_METHODS });
  const PaymentActionType = builder.enumType('PaymentActionType', { values: ACTION_TYPES });
  const PaymentOperationKind = builder.enumType('PaymentOperationKind', { values: OPERATION_KINDS });
  const PaymentOperationStatus = builder.enumType('PaymentOperationStatus', { values: OPERATION_STATUSES });

  const MetadataEntry = builder.objectRef<{ key: string; value: string }>('MetadataEntry').implement({
    authScopes: READERS,
    fields: (t) => ({ key: t.exposeString('key'), value: t.exposeString('value') }),
  });

  const PaymentAction = builder
    .objectRef<{ type: (typeof ACTION_TYPES)[number]; hint: string; expiresAt: Date }>('PaymentAction')
    .implement({
      description: 'What the customer must do before the payment can go on (confirm with `confirmPayment`).',
      authScopes: READERS,
      fields: (t) => ({
        type: t.field({ type: PaymentActionType, resolve: (a) => a.type }),
        hint: t.exposeString('hint'),
        expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
      }),
    });

  builder.objectType(PaymentOperation, {
    name: 'PaymentOperation',
    description: 'One call to the payment method and its outcome.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      kind: t.field({ type: PaymentOperationKind, resolve: (o) => o.kind }),
      status: t.field({ type: PaymentOperationStatus, resolve: (o) => o.status }),
      amount: t.field({ type: Money, resolve: (o) => money(o.amount, o.payment.currency) }),
      reference: t.exposeString('reference', { nullable: true }),
      declineReason: t.exposeString('declineReason', { nullable: true }),
      message: t.exposeString('message', { nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      resolvedAt: t.expose('resolvedAt', { type: 'DateTime', nullable: true }),
    }),
  });

  builder.objectType('Payment', {
    description: 'A payment intent: what a customer pays a merchant, and everything that happened to it.',
    authScopes: READERS,
    fields: (t) => ({
      id: t.exposeID('id'),
      merchantId: t.id({ resolve: (p) => p.merchant.id }),
      customerId: t.id({ resolve: (p) => p.customer.id }),
      method: t.exposeString('method'),
      purpose: t.exposeString('purpose', { description: '`payment`, or `top_up` of a wallet.' }),
      status: t.field({ type: PaymentStatus, resolve: (p) => p.status }),
      captureMethod: t.field({ type: CaptureMethod, resolve: (p) => p.captureMethod }),
      amount: t.field({ type: Money, resolve: (p) => money(p.amount, p.currency) }),
      authorizedAmount: t.field({ type: Money, resolve: (p) => money(p.authorizedAmount, p.currency) }),
      capturedAmount: t.field({ type: Money, resolve: (p) => money(p.capturedAmount, p.currency) }),
      refundedAmount: t.field({ type: Money, resolve: (p) => money(p.refundedAmount, p.currency) }),
      fee: t.string({
        description:
          'The gateway’s fee on what was captured, net of what refunds gave back: minor units, exact decimal ("0.15" KRW). Below one minor unit it accrues and is posted once whole; see docs/payments.md.',
        resolve: (p) => formatMicrosAsMinorDecimal(p.feeMicros - p.feeReturnedMicros),
      }),
      description: t.exposeString('description', { nullable: true }),
      metadata: t.field({ type: [MetadataEntry], resolve: (p) => p.metadata }),
      declineReason: t.exposeString('declineReason', { nullable: true }),
      declineMessage: t.exposeString('declineMessage', { nullable: true }),
      nextAction: t.field({
        type: PaymentAction,
        nullable: true,
        resolve: (p) =>
          p.status === 'requires_action' && p.actionType && p.actionExpiresAt
            ? { type: p.actionType, hint: p.actionHint ?? '', expiresAt: p.actionExpiresAt }
            : null,
      }),
      authorizationExpiresAt: t.expose('authorizationExpiresAt', { type: 'DateTime', nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      operations: t.field({
        type: [PaymentOperation],
        resolve: (p, _args, ctx) => payments.operations(ctx, p),
      }),
    }),
  });

  const PaymentMethodInfo = builder.objectRef<PaymentMethod>('PaymentMethodInfo').implement({
    authScopes: { authenticated: true },
    fields: (t) => ({
      id: t.exposeString('id'),
      displayName: t.exposeString('displayName'),
      internal: t.exposeBoolean('internal'),
    }),
  });

  const MetadataInput = builder.inputType('MetadataInput', {
    fields: (t) => ({ key: t.string({ required: true }), value: t.string({ required: true }) }),
  });
  const PaymentRiskInput = builder.inputType('PaymentRiskInput', {
    description:
      'What the caller tells about a payment for fraud checks (asked by `payment.beforeAuthorize` handlers).',
    fields: (t) => ({
      deviceId: t.string({
        description: 'The payer’s device, as the merchant’s app identifies it (1 to 200 characters).',
      }),
      ip: t.string({
        description:
          'The payer’s IP address, when a merchant server calls for its customer. Default: the request’s.',
      }),
      recipient: t.string({
        description:
          'Who receives what is bought (a gift card’s PIN), when not the payer: E.164 phone or email.',
      }),
    }),
  });
  const CreatePaymentInput = builder.inputType('CreatePaymentInput', {
    fields: (t) => ({
      customerId: t.id({ required: true }),
      method: t.string({ required: true, description: 'A payment method id, e.g. `wallet`.' }),
      sourceId: t.string({
        required: true,
        description: 'The method’s reference to what pays: a wallet id, a card token, a verified phone.',
      }),
      amount: t.field({ type: MoneyInput, required: true }),
      captureMethod: t.field({
        type: CaptureMethod,
        description:
          'Omitted: the merchant’s default (`merchantSettings`), `automatic` unless an operator set another.',
      }),
      description: t.string(),
      metadata: t.field({ type: [MetadataInput] }),
      risk: t.field({ type: PaymentRiskInput }),
    }),
  });
  const PaymentFilter = builder.inputType('PaymentFilter', {
    fields: (t) => ({
      status: t.field({ type: [PaymentStatus] }),
      createdAfter: t.field({ type: 'DateTime' }),
      createdBefore: t.field({ type: 'DateTime' }),
      customerId: t.id(),
    }),
  });

  const JanitorReport = builder.objectRef<JanitorReportData>('JanitorReport').implement({
    authScopes: { operator: true },
    fields: (t) => ({
      checked: t.exposeInt('checked', { description: 'Unknown or pending outcomes asked about.' }),
      captured: t.exposeInt('captured', {
        description: 'Automatic-capture payments whose capture never started, captured now.',
      }),
      released: t.exposeInt('released', {
        description: 'Automatic-capture payments whose capture the method refused, voided now.',
      }),
      expired: t.exposeInt('expired'),
      purgedIdempotencyKeys: t.exposeInt('purgedIdempotencyKeys'),
    }),
  });

  builder.queryFields((t) => ({
    payment: t.withAuth(READERS).field({
      type: 'Payment',
      args: { id: t.arg.id({ required: true }) },
      errors: { types: [NotFoundError] },
      resolve: (_root, { id }, ctx) => payments.getPayment(ctx, String(id)),
    }),
    payments: t.withAuth(READERS).connection({
      type: 'Payment',
      description:
        'Newest first. Merchants see their own, partners what they were granted, customers theirs.',
      args: { filter: t.arg({ type: PaymentFilter }) },
      resolve: (_root, args, ctx) =>
        resolveCursorConnection({ args, toCursor: paymentCursor }, (page: ResolveCursorConnectionArgs) =>
          listPayments(
            ctx,
            {
              status: args.filter?.status,
              createdAfter: args.filter?.createdAfter,
              createdBefore: args.filter?.createdBefore,
              customerId: args.filter?.customerId == null ? null : String(args.filter.customerId),
            },
            page,
          ),
        ),
    }),
    paymentMethods: t.field({
      type: [PaymentMethodInfo],
      authScopes: { authenticated: true },
      resolve: () => payments.methods.list(),
    }),
  }));

  builder.mutationFields((t) => ({
    createPayment: t.withAuth({ merchant: true }).field({
      type: 'Payment',
      args: {
        input: t.arg({ type: CreatePaymentInput, required: true }),
        idempotencyKey: t.arg.string({
          description: 'Same as the Idempotency-Key header, for WebSocket clients.',
        }),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, { input, idempotencyKey: key }, ctx) =>
        payments.createPayment(
          ctx,
          {
            customerId: String(input.customerId),
            method: input.method,
            sourceId: input.sourceId,
            amount: moneyFromInput(input.amount, 'amount'),
            captureMethod: input.captureMethod ?? null,
            description: input.description,
            metadata: input.metadata,
            risk: input.risk,
          },
          key,
        ),
    }),
    confirmPayment: t.withAuth({ $any: { merchant: true, operator: true, customer: true } }).field({
      type: 'Payment',
      description: 'Completes a required action (the code the customer received, the challenge answer).',
      args: {
        paymentId: t.arg.id({ required: true }),
        response: t.arg.string({ required: true }),
        idempotencyKey: t.arg.string(),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) =>
        payments.confirmPayment(ctx, String(args.paymentId), args.response, args.idempotencyKey),
    }),
    capturePayment: t.withAuth(MOVERS).field({
      type: 'Payment',
      description:
        'Captures all that remains authorized, or `amount` of it; several partial captures may follow.',
      args: {
        paymentId: t.arg.id({ required: true }),
        amount: t.arg({ type: MoneyInput }),
        releaseRemainder: t.arg.boolean({
          defaultValue: false,
          description:
            'Release what this capture leaves authorized instead of keeping it for later captures.',
        }),
        idempotencyKey: t.arg.string(),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) =>
        payments.capturePayment(
          ctx,
          String(args.paymentId),
          args.amount ? moneyFromInput(args.amount, 'amount') : null,
          args.releaseRemainder ?? false,
          args.idempotencyKey,
        ),
    }),
    voidPayment: t.withAuth(MOVERS).field({
      type: 'Payment',
      description: 'Cancels an authorization (or what remains of it after partial captures).',
      args: { paymentId: t.arg.id({ required: true }), idempotencyKey: t.arg.string() },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) => payments.voidPayment(ctx, String(args.paymentId), args.idempotencyKey),
    }),
    refundPayment: t.withAuth(MOVERS).field({
      type: 'Payment',
      description: 'Refunds all that remains captured, or `amount` of it; several refunds may follow.',
      args: {
        paymentId: t.arg.id({ required: true }),
        amount: t.arg({ type: MoneyInput }),
        idempotencyKey: t.arg.string(),
      },
      errors: { types: MONEY_MOVEMENT_ERRORS },
      resolve: (_root, args, ctx) =>
        payments.refundPayment(
          ctx,
          String(args.paymentId),
          args.amount ? moneyFromInput(args.amount, 'amount') : null,
          args.idempotencyKey,
        ),
    }),
    runPaymentJanitor: t.field({
      type: JanitorReport,
      description: 'Runs one janitor pass now (it also runs on its own every few seconds).',
      authScopes: { operator: true },
      resolve: () => janitor.run(),
    }),
  }));
  return { CaptureMethod };
}
