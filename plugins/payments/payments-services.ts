import type { CustomerService } from './customer.service.ts';
import type { FeePricingService } from './fees/fee-pricing.service.ts';
import type { IdempotencyService } from './idempotency.service.ts';
import type { LedgerService } from './ledger/ledger.service.ts';
import type { LedgerStatements } from './ledger/ledger-statement.ts';
import type { MeteringService } from './metering.service.ts';
import type { PaymentMethodRegistry } from './method-registry.ts';
import type { PayFromAccountBatcher } from './pay-from-account-batcher.ts';
import type { PaymentService } from './payment.service.ts';
import type { PaymentAccounts } from './payment-accounts.ts';
import type { PaymentJanitor } from './payment-janitor.ts';
import type { MerchantSettingsService } from './settings/merchant-settings.service.ts';
import type { SettlementService } from './settlement.service.ts';

/** What the payments plugin offers other plugins (`services.payments`). */
export interface PaymentsServices {
  /** Ways to pay: each payment-method plugin registers its own in its `setup`. */
  methods: PaymentMethodRegistry;
  intents: PaymentService;
  walletBatches: PayFromAccountBatcher;
  customers: CustomerService;
  ledger: LedgerService;
  /** The ledger's read API: an account's movements. */
  statements: LedgerStatements;
  accounts: PaymentAccounts;
  idempotency: IdempotencyService;
  janitor: PaymentJanitor;
  metering: MeteringService;
  settlement: SettlementService;
  /** Gateway fees: pricings per merchant (and the default) and their audit. */
  feePricings: FeePricingService;
  /** Merchants' payment settings, held in every process (`settings.board`) and set by operators. */
  settings: MerchantSettingsService;
}
