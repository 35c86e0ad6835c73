import { UTCDate } from '@date-fns/utc';
import { addYears } from 'date-fns';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { PluginErasure } from '../../../core/privacy/privacy.service.ts';
import type { DataSubject } from '../../../core/privacy/subject-hooks.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { cpraPlugin } from '../../../plugins/cpra/index.ts';
import { gdprPlugin } from '../../../plugins/gdpr/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { pipaPlugin } from '../../../plugins/pipa/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';
import { createFakeAcquirer } from '../../plugins/payments/fake-acquirer.ts';
import { CREATE_PAYMENT, ledgerIsSound, mutate, REFUND } from '../../plugins/payments/support.ts';

/**
 * Erasure under retention holds, end to end: payments made through GraphQL, erased through
 * `services.privacy.eraseSubject` (what the subject-requests plugin calls), read back through
 * GraphQL and the hold register, and purged by the purge job standing at a later date (its
 * `run(now)` is the clock tests set: the database's clock otherwise).
 */
let t: TestGateway;
let shop: { merchantId: string; client: HttpGraphQLClient };
const network = createFakeAcquirer();
const em = () => t.gateway.database.em.fork();
const services = () => t.gateway.services;

beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      paymentsPlugin.with({ janitor: { intervalSeconds: 0, retryBaseSeconds: 0 } }),
      walletPlugin,
      sandboxCardPlugin,
      network.plugin,
      pipaPlugin,
      gdprPlugin,
      cpraPlugin,
    ],
  });
  shop = await t.createMerchant('Holds shop');
});
afterAll(() => t?.close());

async function customer(customerRef: string, jurisdiction: string): Promise<string> {
  const { createCustomer } = await shop.client.data<{ createCustomer: { id: string } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
    { input: { customerRef, jurisdiction } },
  );
  return createCustomer.id;
}

async function cardPayment(customerId: string, amount: number, description: string) {
  const payment = await mutate(shop.client, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'test-card',
      sourceId: 'approve',
      amount: { amount: String(amount), currency: 'KRW' },
      description,
      metadata: [{ key: 'order', value: `order of ${description}` }],
    },
  });
  expect(payment.status).toBe('captured');
  return payment.id;
}

async function walletWithPayment(customerId: string) {
  const { createWallet } = await shop.client.data<{ createWallet: { id: string } }>(
    'mutation($input: CreateWalletInput!) { createWallet(input: $input) { ... on Wallet { id } } }',
    { input: { customerId, currency: 'KRW' } },
  );
  await shop.client.data(
    'mutation($input: TopUpWalletInput!) { topUpWallet(input: $input) { __typename } }',
    {
      input: {
        walletId: createWallet.id,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '20000', currency: 'KRW' },
      },
    },
  );
  const paid = await mutate(shop.client, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'wallet',
      sourceId: createWallet.id,
      amount: { amount: '3000', currency: 'KRW' },
      description: 'a wallet purchase',
    },
  });
  expect(paid.status).toBe('captured');
  return createWallet.id;
}

/** Every financial total: each account's posted lines and the payments' amounts and fees. */
async function totals() {
  const [accounts] = await query<{ digest: string }>(
    em(),
    `select string_agg(account_id || '=' || total, ',' order by account_id) as digest
       from (select account_id, sum(amount)::text as total from journal_line group by account_id) s`,
  );
  const [payments] = await query(
    em(),
    `select count(*)::text as n, sum(amount)::text as amount, sum(captured_amount)::text as captured,
       sum(refunded_amount)::text as refunded, sum(fee_micros)::text as fees from payment_intent`,
  );
  return { accounts: accounts?.digest, payments };
}

const rows = <T extends object = Record<string, unknown>>(sql: string, params: unknown[] = []) =>
  query<T>(em(), sql, params);

const of = (answer: readonly PluginErasure[], plugin: string) => answer.find((a) => a.plugin === plugin)!;

describe('a Korean subject’s erasure under PIPA’s payment-record hold', () => {
  const subject = (): DataSubject => ({ merchantId: shop.merchantId, customerRef: 'kr-buyer' });
  let customerId: string;
  let subjectId: string;
  let cardPaymentId: string;
  let answer: readonly PluginErasure[];
  let latestUntil: Date;
  let before: Awaited<ReturnType<typeof totals>>;

  beforeAll(async () => {
    customerId = await customer('kr-buyer', 'KR');
    cardPaymentId = await cardPayment(customerId, 12_000, 'a gift card for Kim');
    const refund = await mutate(shop.client, REFUND, {
      id: cardPaymentId,
      amount: { amount: '2000', currency: 'KRW' },
    });
    expect(refund.status).toBe('partially_refunded');
    await walletWithPayment(customerId);
    subjectId = (await services().privacy.keys.findSubjectId(em(), subject()))!;
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
    before = await totals();
    answer = await services().privacy.eraseSubject(em(), subject());
    const [latest] = await rows<{ at: Date }>(
      'select max(created_at) as at from payment_intent where customer_id = ?',
      [customerId],
    );
    latestUntil = new Date(addYears(new UTCDate(new Date(latest!.at).getTime()), 5).getTime());
  });

  test('the payments are kept, cited, until 5 years after the latest of them', () => {
    expect(of(answer, 'payments').kept).toEqual([
      {
        what: expect.stringContaining('payments with their captures, voids, refunds and fees'),
        rule: 'pipa: Act on Consumer Protection in Electronic Commerce Art. 6(1) with its Enforcement Decree Art. 6(1)3 (payment and supply, 5 years); PIPA Art. 21(1)',
        until: latestUntil,
      },
      expect.objectContaining({ what: 'payment and usage amounts in the ledger', until: null }),
    ]);
    expect(of(answer, 'payments').erased).toContain('actionHint');
    expect(of(answer, 'wallet').kept[0]).toMatchObject({ rule: expect.stringMatching(/^pipa: /) });
  });

  test('the register lists each hold for the subject, and each held record’s purge date is its own', async () => {
    const holds = await services().privacy.holds.list(em(), subjectId);
    expect(holds.map((h) => [h.plugin, h.law, h.purgedAt])).toEqual([
      ['payments', 'pipa', null],
      ['wallet', 'pipa', null],
    ]);
    const held = await rows<{ record_id: string; purge_after: Date; created_at: Date }>(
      `select r.record_id, r.purge_after, p.created_at from privacy_held_record r
         join payment_intent p on p.id::text = r.record_id where p.customer_id = ? order by p.created_at`,
      [customerId],
    );
    // Each payment with free text: the card payment, the top-up and the wallet purchase.
    const [withText] = await rows<{ n: number }>(
      `select count(*)::int as n from payment_intent where customer_id = ?`,
      [customerId],
    );
    expect(held.map((h) => h.record_id)).toContain(cardPaymentId);
    expect(held.length).toBe(withText!.n);
    for (const h of held) {
      expect(new Date(h.purge_after)).toEqual(
        new Date(addYears(new UTCDate(new Date(h.created_at).getTime()), 5).getTime()),
      );
    }
  });

  test('the held fields are apart: gone from the payment, readable only through the hold', async () => {
    const { payment } = await shop.client.data<{
      payment: { description: string | null; metadata: unknown[]; amount: { amount: string } };
    }>(
      'query($id: ID!) { payment(id: $id) { ... on Payment { description metadata { key value } amount { amount } } } }',
      {
        id: cardPaymentId,
      },
    );
    expect(payment).toEqual({ description: null, metadata: [], amount: { amount: '12000' } });
    const [entry] = await rows(
      `select count(*)::int as n from journal_entry where reference = ? and description is not null`,
      [`payment:${cardPaymentId}`],
    );
    expect(entry).toEqual({ n: 0 });
    expect(await services().privacy.holds.openHeld(em(), subjectId, cardPaymentId)).toEqual({
      description: 'a gift card for Kim',
      metadata: [{ key: 'order', value: 'order of a gift card for Kim' }],
    });
    expect(await services().privacy.holds.heldIdentity(em(), subjectId)).toBe('kr-buyer');
  });

  test('the subject’s own key is shredded: the customer no longer names anyone', async () => {
    expect(await services().privacy.keys.findSubjectId(em(), subject())).toBeNull();
    const { customer: c } = await shop.client.data<{ customer: { customerRef: string | null } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { customerRef } } }',
      { id: customerId },
    );
    expect(c.customerRef).toBeNull();
  });

  test('the ledger balances and no financial total changed', async () => {
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true, problems: [] });
    expect(await totals()).toEqual(before);
  });

  test('a second erasure is harmless, and the first answer stays readable', async () => {
    const again = await services().privacy.eraseSubject(em(), subject());
    for (const plugin of again) expect(plugin).toMatchObject({ erased: [], kept: [] });
    expect(await services().privacy.erasureOf(em(), subjectId)).toEqual(answer);
    expect(await services().privacy.holds.list(em(), subjectId)).toHaveLength(2);
    expect(await totals()).toEqual(before);
  });

  test('the purge job purges nothing before the hold ends, everything after, once', async () => {
    const job = services().privacy.holdPurge;
    expect(await job.run(new Date(latestUntil.getTime() - 1))).toMatchObject({ holds: 0, keys: 0 });
    expect(await services().privacy.holds.heldIdentity(em(), subjectId)).toBe('kr-buyer');

    expect(await job.run(new Date(latestUntil.getTime() + 1))).toMatchObject({ holds: 2, keys: 1 });
    expect(await services().privacy.holds.openHeld(em(), subjectId, cardPaymentId)).toBeNull();
    expect(await services().privacy.holds.heldIdentity(em(), subjectId)).toBeNull();
    expect((await services().privacy.holds.list(em(), subjectId)).every((h) => h.purgedAt !== null)).toBe(
      true,
    );
    const [key] = await rows(
      'select wrapped_key, identity_sealed from privacy_hold_key where subject_id = ?',
      [subjectId],
    );
    expect(key).toEqual({ wrapped_key: null, identity_sealed: null });
    expect(await job.run(new Date(latestUntil.getTime() + 1))).toEqual({ records: 0, holds: 0, keys: 0 });
    expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
    expect(await totals()).toEqual(before);
  });
});

test('an EU subject’s payments are held under the AML hold the GDPR pack cites', async () => {
  const customerId = await customer('de-buyer', 'DE');
  await cardPayment(customerId, 5_000, 'a book');
  const answer = await services().privacy.eraseSubject(em(), {
    merchantId: shop.merchantId,
    customerRef: 'de-buyer',
  });
  expect(of(answer, 'payments').kept[0]).toMatchObject({
    rule: 'gdpr: GDPR Art. 17(3)(b); Directive (EU) 2015/849 Art. 40(1)',
  });
});

test('a Californian subject, under no hold: the free text is erased, only anonymous amounts stay', async () => {
  const customerId = await customer('ca-buyer', 'US-CA');
  const paymentId = await cardPayment(customerId, 7_000, 'a lamp');
  const before = await totals();
  const subject = { merchantId: shop.merchantId, customerRef: 'ca-buyer' };
  const subjectId = (await services().privacy.keys.findSubjectId(em(), subject))!;
  const answer = await services().privacy.eraseSubject(em(), subject);
  expect(of(answer, 'payments')).toMatchObject({
    erased: expect.arrayContaining(['description and metadata of 1 payment(s) no hold covers']),
    kept: [expect.objectContaining({ what: 'payment and usage amounts in the ledger', until: null })],
  });
  expect(await services().privacy.holds.list(em(), subjectId)).toEqual([]);
  expect(await services().privacy.holds.openHeld(em(), subjectId, paymentId)).toBeNull();
  const [payment] = await rows('select description, metadata from payment_intent where id = ?', [paymentId]);
  expect(payment).toEqual({ description: null, metadata: [] });
  expect(await totals()).toEqual(before);
  expect(await ledgerIsSound(t)).toMatchObject({ ok: true });
});

test('a payment method’s own records (sandbox-card) are held by the same holds and purged by the same job', async () => {
  const customerId = await customer('kr-card-holder', 'KR');
  const { tokenizeSandboxCard } = await shop.client.data<{ tokenizeSandboxCard: { id: string } }>(
    'mutation($input: TokenizeSandboxCardInput!) { tokenizeSandboxCard(input: $input) { ... on SandboxCardToken { id } } }',
    { input: { number: '4242424242424242', expMonth: 1, expYear: 2031, cvc: '321' } },
  );
  const paid = await mutate(shop.client, CREATE_PAYMENT, {
    input: {
      customerId,
      method: 'sandbox-card',
      sourceId: tokenizeSandboxCard.id,
      amount: { amount: '4000', currency: 'KRW' },
    },
  });
  expect(paid.status).toBe('captured');
  const subject = { merchantId: shop.merchantId, customerRef: 'kr-card-holder' };
  const subjectId = (await services().privacy.keys.findSubjectId(em(), subject))!;
  const answer = await services().privacy.eraseSubject(em(), subject);
  const [authorized] = await rows<{ at: Date }>(
    'select max(created_at) as at from sandbox_card_authorization where token_id = ?',
    [tokenizeSandboxCard.id],
  );
  const until = new Date(addYears(new UTCDate(new Date(authorized!.at).getTime()), 5).getTime());
  expect(of(answer, 'sandbox-card').kept[0]).toEqual({
    what: expect.stringContaining('card tokens that paid'),
    rule: of(answer, 'payments').kept[0]!.rule,
    until,
  });
  const held = (await services().privacy.holds.list(em(), subjectId)).find(
    (h) => h.plugin === 'sandbox-card',
  );
  expect(held).toMatchObject({ until, purgedAt: null });
  const latest = new Date(
    Math.max(...(await services().privacy.holds.list(em(), subjectId)).map((h) => h.until.getTime())),
  );
  await services().privacy.holdPurge.run(new Date(latest.getTime() + 1));
  const after = await services().privacy.holds.list(em(), subjectId);
  expect(after.find((h) => h.plugin === 'sandbox-card')!.purgedAt).not.toBeNull();
  expect(await services().privacy.holds.heldIdentity(em(), subjectId)).toBeNull();
});
