import { z } from 'zod';
import { credential, definePlugin, paymentRecord, personal, technical } from '../../core/plugin-api.ts';
import { CarrierBillingSourceSchema } from './billing-source.entity.ts';
import { CarrierBillingMethod } from './carrier-billing.method.ts';
import { eraseCarrierBilling, exportCarrierBilling } from './carrier-billing.privacy.ts';
import { registerCarrierBillingSchema } from './carrier-billing.schema.ts';
import { CarrierBillingService } from './carrier-billing.service.ts';
import { CarrierBillingKeySchema } from './carrier-billing-key.entity.ts';
import { CarrierChargeSchema } from './carrier-charge.entity.ts';
import { CarrierChargeOperationSchema } from './carrier-charge-operation.entity.ts';
import { CarrierKeyring } from './carrier-keyring.ts';
import { Migration0001CarrierBillingTables } from './migrations/0001-carrier-billing-tables.ts';
import { Migration0002PhoneOwnerUnderSubjectKeys } from './migrations/0002-phone-owner-under-subject-keys.ts';
import { Migration0003PhoneIndexFromTheKernel } from './migrations/0003-phone-index-from-the-kernel.ts';
import { Migration0004PhoneNumbersUnderSubjectKeys } from './migrations/0004-phone-numbers-under-subject-keys.ts';
import { CarrierMonthlyUsageSchema } from './monthly-usage.entity.ts';
import { SandboxCarrier } from './sandbox-carrier.ts';
import { CarrierSandboxMessageSchema } from './sandbox-message.entity.ts';
import { CarrierSubscriberSchema } from './subscriber.entity.ts';
import { SubscriberDirectory } from './subscriber-directory.ts';
import { CarrierVerificationSchema } from './verification.entity.ts';
import './global-types.ts';

const krwAmount = z
  .union([z.bigint(), z.number().int().safe(), z.string().regex(/^\d+$/)])
  .transform((value) => BigInt(value))
  .pipe(z.bigint().positive());

const options = z.strictObject({
  /** Per phone line and calendar month (Asia/Seoul), in KRW. Carriers advertise up to 1,000,000. */
  monthlyCap: krwAmount.default(1_000_000n),
  /** How long a texted one-time code is valid. */
  codeTtlSeconds: z.number().int().positive().max(3600).default(180),
  /** How long the gateway waits for the carrier's reply before the outcome is unknown. */
  readTimeoutMs: z.number().int().positive().default(5000),
  /** Expose texted codes to operators through `carrierSandboxOutbox` (the carrier is simulated). */
  sandboxOutbox: z.boolean().default(true),
});

/** Korean mobile carrier micropayments (휴대폰 소액결제) against a simulated carrier. */
export const carrierBillingPlugin = definePlugin({
  name: 'carrier-billing',
  version: '1.0.0',
  description: 'Korean mobile carrier billing: verified phones, one-time codes, a monthly cap per line',
  requires: ['payments'],
  options,
  entities: [
    CarrierBillingKeySchema,
    CarrierSubscriberSchema,
    CarrierVerificationSchema,
    CarrierBillingSourceSchema,
    CarrierChargeSchema,
    CarrierChargeOperationSchema,
    CarrierMonthlyUsageSchema,
    CarrierSandboxMessageSchema,
  ],
  migrations: [
    { name: '0001-carrier-billing-tables', class: Migration0001CarrierBillingTables },
    { name: '0002-phone-owner-under-subject-keys', class: Migration0002PhoneOwnerUnderSubjectKeys },
    { name: '0003-phone-index-from-the-kernel', class: Migration0003PhoneIndexFromTheKernel },
    { name: '0004-phone-numbers-under-subject-keys', class: Migration0004PhoneNumbersUnderSubjectKeys },
  ],
  dataMap: {
    CarrierBillingKey: {
      id: technical('name the key'),
      sealedKey: {
        category: 'credential',
        purpose: 'blind index and code hashes',
        retention: 'until-revoked',
      },
      createdAt: technical('audit'),
    },
    CarrierSubscriber: {
      id: technical('identify the phone line'),
      phoneIndex: personal('find the line by phone number without storing it in clear', {
        retention: 'P5Y',
        basis: 'contract',
        source: 'derived',
      }),
      carrier: personal('bill the line through its carrier', {
        retention: 'P5Y',
        basis: 'contract',
        source: 'observed',
      }),
      createdAt: technical('audit'),
      updatedAt: technical('audit'),
    },
    CarrierVerification: {
      id: technical('identify the verification'),
      subscriber: technical('the phone being verified'),
      merchant: technical('scope the verification to a tenant'),
      subject: technical('link the phone to the end user (a pseudonymous subject)'),
      phoneSealed: personal('text the verification code to the phone (sealed under the subject key)', {
        retention: 'P1D',
        basis: 'contract',
        source: 'provided',
        recipients: ['the carrier, to text codes and bill the line'],
      }),
      codeHash: credential('confirm the phone holder', 'P1D'),
      attempts: technical('limit code guesses'),
      expiresAt: technical('expire codes'),
      verifiedAt: technical('use each verification once'),
      createdAt: technical('audit and limit codes sent'),
    },
    CarrierBillingSource: {
      id: technical('identify the source'),
      subscriber: technical('the phone line billed'),
      merchant: technical('scope the source to a tenant'),
      subject: technical('link the phone to the end user (a pseudonymous subject)'),
      phoneSealed: personal('text payment codes to the phone and bill it (sealed under the subject key)', {
        retention: 'while-active',
        basis: 'contract',
        source: 'provided',
        recipients: ['the carrier, to text codes and bill the line'],
      }),
      carrier: personal('bill the line through its carrier', {
        retention: 'P5Y',
        basis: 'contract',
        source: 'observed',
      }),
      createdAt: technical('audit'),
    },
    CarrierCharge: {
      id: technical('identify the charge at the carrier'),
      operationKey: technical('make the carrier idempotent'),
      source: technical('the source charged'),
      subscriber: technical('the phone line charged'),
      merchantId: technical('the merchant charged for'),
      currency: paymentRecord('the payment record'),
      amount: paymentRecord('the payment record'),
      status: paymentRecord('the payment record'),
      declineReason: paymentRecord('the payment record'),
      month: paymentRecord('the billing month the charge counts in'),
      codeHash: credential('confirm the phone holder', 'P1D'),
      codeExpiresAt: technical('expire codes'),
      captured: paymentRecord('the payment record'),
      refunded: paymentRecord('the payment record'),
      createdAt: technical('audit'),
      updatedAt: technical('audit'),
    },
    CarrierChargeOperation: {
      operationKey: technical('make the carrier idempotent'),
      charge: technical('the charge operated on'),
      kind: paymentRecord('the payment record'),
      amount: paymentRecord('the payment record'),
      approved: paymentRecord('the payment record'),
      declineReason: paymentRecord('the payment record'),
      message: paymentRecord('the payment record'),
      createdAt: technical('audit'),
    },
    CarrierMonthlyUsage: {
      subscriber: technical('the phone line'),
      month: technical('the billing month'),
      used: paymentRecord('enforce the monthly cap'),
      updatedAt: technical('audit'),
    },
    CarrierSandboxMessage: {
      id: technical('identify the message'),
      subscriber: technical('the phone texted'),
      purpose: technical('tell verification codes from payment codes'),
      reference: technical('what the code confirms'),
      sealedBody: credential('confirm the phone holder', 'P1D'),
      createdAt: technical('audit'),
      expiresAt: technical('purge old messages'),
    },
  },
  setup: (plugin) => {
    const { monthlyCap, codeTtlSeconds, readTimeoutMs, sandboxOutbox } = plugin.options;
    const keyring = new CarrierKeyring(plugin.orm, plugin.secrets);
    const { keys, blindIndex } = plugin.services.privacy;
    const subscribers = new SubscriberDirectory(blindIndex, keys);
    const codeTtlMs = codeTtlSeconds * 1000;
    const carrier = new SandboxCarrier(
      { monthlyCap, codeTtlMs },
      { keyring, secrets: plugin.secrets, subscribers },
    );
    const method = new CarrierBillingMethod(carrier, readTimeoutMs);
    plugin.services.payments.methods.register(plugin.name, method);
    const service = new CarrierBillingService({ method, carrier, subscribers, keyring, codeTtlMs, keys });
    return {
      services: service,
      schema: (builder) => registerCarrierBillingSchema(builder, service, { sandboxOutbox }),
      hooks: {
        'subject.export': exportCarrierBilling(keys),
        'subject.erase': eraseCarrierBilling(plugin.services),
      },
      onReady: () => keyring.load(),
    };
  },
});
