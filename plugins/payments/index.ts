import { definePlugin } from '../../core/plugin-api.ts';
import { combineVerdicts } from './before-authorize.ts';
import { CustomerSchema } from './customer.entity.ts';
import { registerCustomerSchema } from './customer.schema.ts';
import { CustomerService } from './customer.service.ts';
import { registerEventSubjectsSchema } from './event-subjects.schema.ts';
import { FeeAccrualSchema } from './fees/fee-accrual.entity.ts';
import { FeePosting } from './fees/fee-posting.ts';
import { FeePricingSchema } from './fees/fee-pricing.entity.ts';
import { FeePricingService } from './fees/fee-pricing.service.ts';
import { FeePricingChangeSchema } from './fees/fee-pricing-change.entity.ts';
import { registerFeesSchema } from './fees/fees.schema.ts';
import { IdempotencyService } from './idempotency.service.ts';
import { IdempotencyRecordSchema } from './idempotency-record.entity.ts';
import { JournalEntrySchema } from './ledger/journal-entry.entity.ts';
import { JournalLineSchema } from './ledger/journal-line.entity.ts';
import { registerLedgerSchema } from './ledger/ledger.schema.ts';
import { LedgerService } from './ledger/ledger.service.ts';
import { LedgerAccountSchema } from './ledger/ledger-account.entity.ts';
import { LedgerBalanceSchema } from './ledger/ledger-balance.entity.ts';
import { LedgerHoldSchema } from './ledger/ledger-hold.entity.ts';
import { LedgerStatements } from './ledger/ledger-statement.ts';
import { Migration0001LedgerTables } from './ledger/migrations/0001-ledger-tables.ts';
import { Migration0006RefusalAsValue } from './ledger/migrations/0006-refusal-as-value.ts';
import { Migration0008EntriesInSets } from './ledger/migrations/0008-entries-in-sets.ts';
import { verifyLedgerCommand } from './ledger/verify-ledger-command.ts';
import { registerMeteringSchema } from './metering.schema.ts';
import { MeteringService } from './metering.service.ts';
import { PaymentMethodRegistry } from './method-registry.ts';
import { Migration0002PaymentsTables } from './migrations/0002-payments-tables.ts';
import { Migration0003MeteringSettlement } from './migrations/0003-metering-settlement.ts';
import { Migration0004PayFromAccount } from './migrations/0004-pay-from-account.ts';
import { Migration0005PaymentEvents } from './migrations/0005-payment-events.ts';
import { Migration0007PayFromAccounts } from './migrations/0007-pay-from-accounts.ts';
import { Migration0009PayFromAccountsInSets } from './migrations/0009-pay-from-accounts-in-sets.ts';
import { Migration0010PaymentReview } from './migrations/0010-payment-review.ts';
import { Migration0011AwaitingCaptureIndex } from './migrations/0011-awaiting-capture-index.ts';
import { Migration0012ChosenPaymentIds } from './migrations/0012-chosen-payment-ids.ts';
import { Migration0013Fees } from './migrations/0013-fees.ts';
import { Migration0014MerchantSettings } from './migrations/0014-merchant-settings.ts';
import { Migration0015CustomerProfile } from './migrations/0015-customer-profile.ts';
import { Migration0016CustomerRefUnderSubjectKeys } from './migrations/0016-customer-ref-under-subject-keys.ts';
import { Migration0017CustomerHistoryIndex } from './migrations/0017-customer-history-index.ts';
import { Migration0018FeesInTheBatch } from './migrations/0018-fees-in-the-batch.ts';
import { Migration0019UsageFees } from './migrations/0019-usage-fees.ts';
import { Migration0020ErasedCustomersInTheBatch } from './migrations/0020-erased-customers-in-the-batch.ts';
import { PayFromAccountBatcher } from './pay-from-account-batcher.ts';
import { PaymentService } from './payment.service.ts';
import { PaymentAccounts } from './payment-accounts.ts';
import { PAYMENT_EVENT_TYPES } from './payment-event-types.ts';
import { PaymentIntentSchema } from './payment-intent.entity.ts';
import { PaymentJanitor } from './payment-janitor.ts';
import { PaymentOperationSchema } from './payment-operation.entity.ts';
import { registerPaymentReviewSchema } from './payment-review.schema.ts';
import { PaymentTransitions } from './payment-transitions.ts';
import { paymentsSubjectHooks } from './payments.privacy.ts';
import { registerPaymentsSchema } from './payments.schema.ts';
import { paymentsDataMap } from './payments-data-map.ts';
import { paymentsOptions } from './payments-options.ts';
import { PayoutSchema } from './payout.entity.ts';
import { MerchantSettingsSchema } from './settings/merchant-settings.entity.ts';
import { registerMerchantSettingsSchema } from './settings/merchant-settings.schema.ts';
import { MerchantSettingsService } from './settings/merchant-settings.service.ts';
import { MerchantSettingsBoard } from './settings/merchant-settings-board.ts';
import { MerchantSettingsChangeSchema } from './settings/merchant-settings-change.entity.ts';
import { registerSettlementSchema } from './settlement.schema.ts';
import { SettlementService } from './settlement.service.ts';
import { UsageMeterSchema } from './usage-meter.entity.ts';
import { UsageRecordSchema } from './usage-record.entity.ts';
import './global-types.ts';
import type { PaymentsServices } from './payments-services.ts';

export const paymentsPlugin = definePlugin({
  name: 'payments',
  version: '1.0.0',
  description: 'Customers, payment intents, idempotency, the double-entry ledger, the janitor',
  options: paymentsOptions,
  entities: [
    LedgerAccountSchema,
    LedgerBalanceSchema,
    JournalEntrySchema,
    JournalLineSchema,
    LedgerHoldSchema,
    CustomerSchema,
    PaymentIntentSchema,
    PaymentOperationSchema,
    IdempotencyRecordSchema,
    UsageMeterSchema,
    UsageRecordSchema,
    PayoutSchema,
    FeePricingSchema,
    FeePricingChangeSchema,
    FeeAccrualSchema,
    MerchantSettingsSchema,
    MerchantSettingsChangeSchema,
  ],
  migrations: [
    { name: '0001-ledger-tables', class: Migration0001LedgerTables },
    { name: '0002-payments-tables', class: Migration0002PaymentsTables },
    { name: '0003-metering-settlement', class: Migration0003MeteringSettlement },
    { name: '0004-pay-from-account', class: Migration0004PayFromAccount },
    { name: '0005-payment-events', class: Migration0005PaymentEvents },
    { name: '0006-ledger-refusal-as-value', class: Migration0006RefusalAsValue },
    { name: '0007-pay-from-accounts', class: Migration0007PayFromAccounts },
    { name: '0008-ledger-entries-in-sets', class: Migration0008EntriesInSets },
    { name: '0009-pay-from-accounts-in-sets', class: Migration0009PayFromAccountsInSets },
    { name: '0010-payment-review', class: Migration0010PaymentReview },
    { name: '0011-awaiting-capture-index', class: Migration0011AwaitingCaptureIndex },
    { name: '0012-chosen-payment-ids', class: Migration0012ChosenPaymentIds },
    { name: '0013-fees', class: Migration0013Fees },
    { name: '0014-merchant-settings', class: Migration0014MerchantSettings },
    { name: '0015-customer-profile', class: Migration0015CustomerProfile },
    { name: '0016-customer-ref-under-subject-keys', class: Migration0016CustomerRefUnderSubjectKeys },
    { name: '0017-customer-history-index', class: Migration0017CustomerHistoryIndex },
    { name: '0018-fees-in-the-batch', class: Migration0018FeesInTheBatch },
    { name: '0019-usage-fees', class: Migration0019UsageFees },
    { name: '0020-erased-customers-in-the-batch', class: Migration0020ErasedCustomersInTheBatch },
  ],
  dataMap: paymentsDataMap,
  setup: (runtime) => {
    const { options } = runtime;
    const methodTimeoutMs = options.methodTimeoutSeconds * 1000;
    const methods = new PaymentMethodRegistry();
    const ledger = new LedgerService();
    const accounts = new PaymentAccounts(ledger, options.merchantBalanceStripes);
    const idempotency = new IdempotencyService({
      ttlHours: options.idempotencyKeyTtlHours,
      // A request still running after this long has crashed: its key stops counting as in flight.
      leaseSeconds: Math.max(60, (methodTimeoutMs / 1000) * 4),
    });
    // Merchants' settings over the gateway's options, the same in every process.
    const settingsBoard = new MerchantSettingsBoard({
      stepUpAtOrAbove: new Map(
        Object.entries(options.stepUpAtOrAbove).map(([currency, minor]) => [currency, BigInt(minor)]),
      ),
      authorizationHoldHours: options.authorizationHoldHours,
    });
    const settings = new MerchantSettingsService(settingsBoard, runtime.orm, runtime.log);
    const fees = new FeePosting(options.merchantBalanceStripes);
    const transitions = new PaymentTransitions(ledger, fees, {
      authorizationHoldHours: (merchantId) => settingsBoard.authorizationHoldHours(merchantId),
      retryBaseSeconds: options.janitor.retryBaseSeconds,
      retryMaxSeconds: options.janitor.retryMaxSeconds,
    });
    const walletBatches = new PayFromAccountBatcher(runtime.orm, runtime.log, {
      ...options.walletBatches,
      idempotencyTtlSeconds: options.idempotencyKeyTtlHours * 3600,
      merchantBalanceStripes: options.merchantBalanceStripes,
    });
    const intents = new PaymentService({
      methods,
      ledger,
      accounts,
      idempotency,
      transitions,
      methodTimeoutMs,
      payFromAccount: walletBatches,
      beforeAuthorize: runtime.declareHook('payment.beforeAuthorize', {
        combine: combineVerdicts,
        // A handler of a plugin switched off for the paying merchant is not asked.
        merchantOf: (input) => input.merchantId,
      }),
      settings: settingsBoard,
    });
    const janitor = new PaymentJanitor(intents, idempotency, runtime, methodTimeoutMs);
    const metering = new MeteringService({ ledger, accounts, methods, idempotency, fees });
    const settlement = new SettlementService(ledger, accounts, options.merchantBalanceStripes);
    const customers = new CustomerService();
    const feePricings = new FeePricingService(methods);
    const services: PaymentsServices = {
      methods,
      intents,
      walletBatches,
      customers,
      ledger,
      statements: new LedgerStatements(),
      accounts,
      idempotency,
      janitor,
      metering,
      settlement,
      feePricings,
      settings,
    };
    return {
      services,
      schema: (builder) => {
        registerCustomerSchema(builder, customers);
        const { CaptureMethod } = registerPaymentsSchema(builder, intents, janitor);
        registerMerchantSettingsSchema(builder, settings, feePricings, CaptureMethod);
        registerPaymentReviewSchema(builder, intents);
        registerMeteringSchema(builder, metering);
        registerSettlementSchema(builder, settlement);
        registerFeesSchema(builder, feePricings);
        registerLedgerSchema(builder);
        if ('events' in runtime.services) registerEventSubjectsSchema(builder);
      },
      commands: { 'ledger verify': verifyLedgerCommand },
      hooks: paymentsSubjectHooks(runtime.services),
      // Written by the payments triggers when the events plugin is installed.
      eventTypes: PAYMENT_EVENT_TYPES,
      onReady: async () => {
        await settings.start();
        janitor.start(options.janitor.intervalSeconds);
      },
      onClose: async () => {
        janitor.stop();
        await settings.close();
      },
    };
  },
});
