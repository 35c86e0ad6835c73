import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { CONFIRM, newPhoneNumber, OUTBOX, type SandboxMessage, START } from './support.ts';

// A merchant finishes the sandbox flow alone: it reads the codes texted for its own
// verifications and charges, never another merchant's.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [paymentsPlugin, carrierBillingPlugin] });
});
afterAll(() => t?.close());

type Outbox = { carrierSandboxOutbox: { messages: SandboxMessage[] } };

test('a merchant reads the code of its own verification, confirms it, and sees no other merchant’s texts', async () => {
  const mine = await t.createMerchant('Mine');
  const theirs = await t.createMerchant('Theirs');
  const phone = newPhoneNumber();
  const started = async (client: typeof mine.client) =>
    (
      await client.data<{ startCarrierVerification: { id: string } }>(START, {
        input: { phoneNumber: phone, carrier: 'SKT', customerRef: 'outbox-reader' },
      })
    ).startCarrierVerification.id;
  const myVerification = await started(mine.client);
  const theirVerification = await started(theirs.client);

  const { carrierSandboxOutbox } = await mine.client.data<Outbox>(OUTBOX, { phone });
  expect(carrierSandboxOutbox.messages.map((m) => m.reference)).toEqual([myVerification]);
  const code = carrierSandboxOutbox.messages[0]!.code;
  const confirmed = await mine.client.data<{ confirmCarrierVerification: { __typename: string } }>(CONFIRM, {
    id: myVerification,
    code,
  });
  expect(confirmed.confirmCarrierVerification.__typename).toBe('CarrierBillingSource');

  const operatorView = await t.operator.data<Outbox>(OUTBOX, { phone });
  expect(operatorView.carrierSandboxOutbox.messages.map((m) => m.reference).sort()).toEqual(
    [myVerification, theirVerification].sort(),
  );
});
