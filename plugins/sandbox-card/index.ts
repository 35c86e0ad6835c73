import { z } from 'zod';
import { definePlugin, paymentRecord, technical } from '../../core/plugin-api.ts';
import { SandboxCardTokenSchema } from './card-token.entity.ts';
import { Migration0001SandboxCardTables } from './migrations/0001-sandbox-card-tables.ts';
import { Migration0002CardOwnerUnderSubjectKeys } from './migrations/0002-card-owner-under-subject-keys.ts';
import { SandboxCardAuthorizationSchema } from './network-authorization.entity.ts';
import { SandboxCardOperationSchema } from './network-operation.entity.ts';
import { SandboxAcquirer } from './sandbox-acquirer.ts';
import { SandboxCardMethod } from './sandbox-card.method.ts';
import { eraseSandboxCard, exportSandboxCard } from './sandbox-card.privacy.ts';
import { registerSandboxCardSchema } from './sandbox-card.schema.ts';
import { SandboxCardService } from './sandbox-card.service.ts';
import './global-types.ts';

const options = z.strictObject({
  /** How long the gateway waits for the sandbox network before the outcome is unknown. */
  readTimeoutMs: z.number().int().positive().default(5000),
  /** How late the network answers for the slow test card. */
  slowResponseMs: z.number().int().nonnegative().default(2000),
  /** How long a 3-D Secure challenge stays open. */
  challengeTtlSeconds: z.number().int().positive().default(600),
});

/** A simulated card acquirer for development and tests, driven by Stripe-style test card numbers. */
export const sandboxCardPlugin = definePlugin({
  name: 'sandbox-card',
  version: '1.0.0',
  description: 'Sandbox card payments: tokenized test cards and a simulated card network',
  requires: ['payments'],
  options,
  entities: [SandboxCardTokenSchema, SandboxCardAuthorizationSchema, SandboxCardOperationSchema],
  migrations: [
    { name: '0001-sandbox-card-tables', class: Migration0001SandboxCardTables },
    { name: '0002-card-owner-under-subject-keys', class: Migration0002CardOwnerUnderSubjectKeys },
  ],
  dataMap: {
    SandboxCardToken: {
      id: technical('identify the card token'),
      merchant: technical('scope the token to a tenant'),
      subject: technical('link the card to the end user (a pseudonymous subject)'),
      brand: paymentRecord('show which card paid'),
      last4: paymentRecord('show which card paid'),
      expMonth: paymentRecord('refuse expired cards'),
      expYear: paymentRecord('refuse expired cards'),
      behaviour: technical('simulate the issuer of the test card'),
      createdAt: technical('audit'),
    },
    SandboxCardAuthorization: {
      id: technical('identify the authorization at the network'),
      operationKey: technical('make the network idempotent'),
      token: technical('the card charged'),
      merchantId: technical('the merchant account charged for'),
      currency: paymentRecord('the payment record'),
      amount: paymentRecord('the payment record'),
      status: paymentRecord('the payment record'),
      declineReason: paymentRecord('the payment record'),
      captured: paymentRecord('the payment record'),
      refunded: paymentRecord('the payment record'),
      challengeExpiresAt: technical('expire 3-D Secure challenges'),
      createdAt: technical('audit'),
      updatedAt: technical('audit'),
    },
    SandboxCardOperation: {
      operationKey: technical('make the network idempotent'),
      authorization: technical('the authorization operated on'),
      kind: paymentRecord('the payment record'),
      amount: paymentRecord('the payment record'),
      approved: paymentRecord('the payment record'),
      declineReason: paymentRecord('the payment record'),
      message: paymentRecord('the payment record'),
      createdAt: technical('audit'),
    },
  },
  setup: (plugin) => {
    const { readTimeoutMs, slowResponseMs, challengeTtlSeconds } = plugin.options;
    const acquirer = new SandboxAcquirer({ challengeTtlMs: challengeTtlSeconds * 1000 });
    const method = new SandboxCardMethod(acquirer, { readTimeoutMs, slowResponseMs });
    plugin.services.payments.methods.register(plugin.name, method);
    const service = new SandboxCardService(method);
    const { keys } = plugin.services.privacy;
    return {
      services: service,
      schema: (builder) => registerSandboxCardSchema(builder, service),
      hooks: {
        'subject.export': exportSandboxCard(keys),
        'subject.erase': eraseSandboxCard(plugin.services),
      },
    };
  },
});
