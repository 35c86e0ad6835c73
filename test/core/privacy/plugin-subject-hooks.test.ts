import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { query } from '../../../core/db/sql.ts';
import type { DataSubject, SubjectSection } from '../../../core/privacy/subject-hooks.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { tablesHolding } from '../../../core/testing/raw-tables.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { pipaPlugin } from '../../../plugins/pipa/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { outbox, verifiedSource } from '../../plugins/carrier-billing/support.ts';
import { receiptsFixture } from '../../plugins/payments/fixtures/profile-purposes.plugin.ts';
import { CONFIRM as CONFIRM_PAYMENT, CREATE_PAYMENT } from '../../plugins/payments/support.ts';
import { CONFIRM, codeAt, ENROLL, secretOf } from '../../plugins/totp/support.ts';

// Issue 12: every plugin answers for its data. One customer pays by phone and by card, enrols a
// TOTP factor and verifies a second phone through the merchant's backend; then the subject hooks
// of carrier-billing, sandbox-card, totp, the auth kernel's sessions, the privacy kernel and the
// customer profile export what they keep (never a secret, a code or a card number) and erase it,
// keeping payment records under their rule, and leaving another customer untouched.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [
      paymentsPlugin,
      sandboxCardPlugin,
      carrierBillingPlugin,
      totpPlugin,
      pipaPlugin,
      receiptsFixture,
    ],
  });
});
afterAll(() => t?.close());

const em = () => t.gateway.database.em.fork();
const CARD = '4242424242424242';

interface Person {
  subject: DataSubject;
  subjectId: string;
  session: HttpGraphQLClient;
  merchant: HttpGraphQLClient;
  phone: string;
  backendPhone: string;
  sourceId: string;
  totpSecret: string;
  profile: Record<string, string>;
}

async function pay(merchant: HttpGraphQLClient, input: Record<string, unknown>) {
  const { createPayment } = await merchant.data<{ createPayment: { id: string; status: string } }>(
    CREATE_PAYMENT,
    { input },
  );
  return createPayment;
}

/** A customer who pays by phone and by card and holds a TOTP factor, with a merchant's backend phone too. */
async function person(merchant: HttpGraphQLClient, merchantId: string): Promise<Person> {
  const customerRef = `hooked-${randomUUID()}`;
  const profile = {
    name: `Hook ${randomUUID().slice(0, 8)}`,
    email: `${randomUUID().slice(0, 8)}@hooks.example`,
  };
  const { createCustomer } = await merchant.data<{ createCustomer: { id: string } }>(
    'mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { ... on Customer { id } } }',
    { input: { customerRef, jurisdiction: 'KR', profile } },
  );
  const { createCustomerSession } = await merchant.data<{ createCustomerSession: { token: string } }>(
    'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
    { r: customerRef },
  );
  const session = t.http(createCustomerSession.token);

  const card = await session.data<{ tokenizeSandboxCard: { id: string } }>(
    'mutation($input: TokenizeSandboxCardInput!) { tokenizeSandboxCard(input: $input) { ... on SandboxCardToken { id } } }',
    { input: { number: CARD, expMonth: 1, expYear: 2031, cvc: '321' } },
  );
  const paidByCard = await pay(merchant, {
    customerId: createCustomer.id,
    method: 'sandbox-card',
    sourceId: card.tokenizeSandboxCard.id,
    amount: { amount: '1000', currency: 'KRW' },
  });
  expect(paidByCard.status).toBe('captured');

  const { sourceId, phone } = await verifiedSource(t, session, undefined, null);
  const started = await pay(merchant, {
    customerId: createCustomer.id,
    method: 'carrier-billing',
    sourceId,
    amount: { amount: '5000', currency: 'KRW' },
  });
  const code = (await outbox(t, phone)).find(
    (m) => m.reference !== undefined && m.purpose === 'payment',
  )!.code;
  const { confirmPayment } = await merchant.data<{ confirmPayment: { status: string } }>(CONFIRM_PAYMENT, {
    id: started.id,
    response: code,
  });
  expect(confirmPayment.status).toBe('captured');
  // A second phone the merchant's backend verified for the same customer: never charged.
  const backendPhone = (await verifiedSource(t, merchant, undefined, customerRef)).phone;

  const { enrollTotp } = await session.data<{ enrollTotp: { uri: string } }>(ENROLL, {});
  const totpSecret = secretOf(enrollTotp.uri);
  await session.data(CONFIRM, { code: await codeAt(totpSecret) });

  const subject = { merchantId, customerRef };
  const subjectId = (await t.gateway.services.privacy.keys.findSubjectId(em(), subject))!;
  return { subject, subjectId, session, merchant, phone, backendPhone, sourceId, totpSecret, profile };
}

/** Every section, its records read to the end, by name. */
async function exported(subject: DataSubject): Promise<Map<string, { source: string; records: unknown[] }>> {
  const sections: readonly SubjectSection[] = await t.gateway.services.privacy.exportSubject(em(), subject);
  const out = new Map<string, { source: string; records: unknown[] }>();
  for (const section of sections) {
    const records: unknown[] = [];
    for await (const record of section.records) records.push(record);
    out.set(section.name, { source: section.source, records });
  }
  return out;
}

/** Every key of every nested object: no export may carry a secret, a code or a sealed value. */
function keysOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysOf);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysOf(v)]);
  }
  return [];
}

let shop: { client: HttpGraphQLClient; merchantId: string };
let ana: Person;
let ben: Person;
beforeAll(async () => {
  shop = await t.createMerchant('Hooks shop');
  ana = await person(shop.client, shop.merchantId);
  ben = await person(shop.client, shop.merchantId);
});

describe('carrier billing phone numbers at rest', () => {
  test('after a payment no table holds a number in clear, and every number is sealed under its holder’s key', async () => {
    const numbers = [ana.phone, ana.backendPhone].flatMap((p) => [
      p,
      `${p.slice(0, 3)}-${p.slice(3, 7)}-${p.slice(7)}`,
    ]);
    expect(await tablesHolding(em(), numbers)).toEqual([]);
    // The shared line keeps no number at all, only its keyed index.
    const columns = await query<{ column_name: string }>(
      em(),
      `select column_name from information_schema.columns where table_name = 'carrier_subscriber' order by column_name`,
    );
    expect(columns.map((c) => c.column_name)).toEqual([
      'carrier',
      'created_at',
      'id',
      'phone_index',
      'updated_at',
    ]);
    for (const table of ['carrier_verification', 'carrier_billing_source']) {
      const rows = await query<{ id: string; phone_sealed: string }>(
        em(),
        `select id, phone_sealed from ${table} where subject_id = ?`,
        [ana.subjectId],
      );
      expect(rows.length, table).toBeGreaterThan(0);
      for (const row of rows) expect(row.phone_sealed.startsWith(`p1.${ana.subjectId}.`), table).toBe(true);
    }
  });
});

describe('subject.export', () => {
  test('the export holds each plugin’s section, never a TOTP secret, a code or a full card number', async () => {
    const sections = await exported(ana.subject);
    const records = (name: string) => sections.get(name)?.records ?? [];
    expect(records('privacy.subject')).toEqual([
      expect.objectContaining({ subjectId: ana.subjectId, customerRef: ana.subject.customerRef }),
    ]);
    expect(records('payments.customer-profile')).toEqual([expect.objectContaining(ana.profile)]);
    expect(records('auth.customer-sessions')).toHaveLength(1);
    expect(
      records('carrier-billing.phones')
        .map((r) => (r as { phoneNumber: string }).phoneNumber)
        .sort(),
    ).toEqual([ana.phone, ana.backendPhone].sort());
    expect(records('carrier-billing.verifications')).toHaveLength(2);
    expect(records('carrier-billing.charges')).toEqual([
      expect.objectContaining({ sourceId: ana.sourceId, amount: '5000', currency: 'KRW', captured: '5000' }),
    ]);
    expect(records('sandbox-card.cards')).toEqual([
      expect.objectContaining({ brand: 'visa', last4: '4242', expMonth: 1, expYear: 2031 }),
    ]);
    expect(records('sandbox-card.authorizations')).toEqual([
      expect.objectContaining({ amount: '1000', status: expect.any(String) }),
    ]);
    expect(records('totp.factor')).toEqual([
      expect.objectContaining({ state: 'active', recoveryCodes: { issued: 10, used: 0 } }),
    ]);
    expect(sections.get('totp.factor')?.source).toBe('observed');
    expect(sections.get('carrier-billing.phones')?.source).toBe('provided');

    const text = JSON.stringify([...sections.values()]);
    expect(text).not.toContain(ana.totpSecret);
    expect(text).not.toContain(CARD);
    expect(text).not.toContain(ben.phone);
    const keys = keysOf([...sections.values()].map((s) => s.records));
    expect(keys.filter((k) => /secret|hash|sealed|token|^code$|cvc|^number$|cardNumber/i.test(k))).toEqual(
      [],
    );
  });
});

describe('subject.erase', () => {
  test('erasure destroys what no law keeps, keeps payment records under their rule, and leaves another customer as it was', async () => {
    const benBefore = await exported(ben.subject);
    const { keys } = t.gateway.services.privacy;
    const [sealedBefore] = await query<{ phone_sealed: string }>(
      em(),
      'select phone_sealed from carrier_billing_source where id = ?',
      [ana.sourceId],
    );

    const erasure = await t.gateway.services.privacy.eraseSubject(em(), ana.subject);
    const by = (plugin: string) => erasure.find((e) => e.plugin === plugin)!;
    // Korean payment records, held by the kernel's holds as payments holds its own: the same
    // cited rule, each record's purge date from the packs that apply, in the register.
    const PIPA = expect.stringMatching(/^pipa: Act on Consumer Protection in Electronic Commerce Art\. 6/);
    for (const plugin of ['carrier-billing', 'sandbox-card']) {
      expect(by(plugin).kept, plugin).toEqual([
        expect.objectContaining({ rule: PIPA, until: expect.any(Date) }),
        expect.objectContaining({ until: null }),
      ]);
      expect(by(plugin).kept[0]!.until!.getUTCFullYear()).toBe(new Date().getUTCFullYear() + 5);
    }
    const register = await t.gateway.services.privacy.holds.list(em(), ana.subjectId);
    const held = (plugin: string) => register.find((h) => h.plugin === plugin)!;
    expect(held('carrier-billing')).toMatchObject({
      until: by('carrier-billing').kept[0]!.until,
      purgedAt: null,
    });
    expect(held('sandbox-card')).toMatchObject({ until: by('sandbox-card').kept[0]!.until, purgedAt: null });
    // Their rows hold no personal field left to move apart (the numbers are cleared above): the
    // register and the subject's hold key (who they are about) are what the hold keeps.
    expect(await t.gateway.services.privacy.holds.heldIdentity(em(), ana.subjectId)).toBe(
      ana.subject.customerRef,
    );
    // The purge job ends them on their own dates, as it ends payments' holds.
    const latest = new Date(Math.max(...register.map((h) => h.until.getTime())));
    await t.gateway.services.privacy.holdPurge.run(new Date(latest.getTime() + 1));
    const purged = await t.gateway.services.privacy.holds.list(em(), ana.subjectId);
    expect(purged.filter((h) => h.purgedAt === null)).toEqual([]);
    expect(await t.gateway.services.privacy.holds.heldIdentity(em(), ana.subjectId)).toBeNull();
    expect(by('totp')).toMatchObject({ kept: [], erased: expect.arrayContaining(['TotpRecoveryCode']) });
    expect(by('privacy').erased).toEqual(['CustomerSession']);

    // Nothing of Ana's in these plugins' tables can be opened any more: the sealed numbers are
    // gone (not only unreadable once the key is shredded), the factor and sessions are deleted.
    for (const table of [
      'carrier_verification',
      'carrier_billing_source',
      'totp_factor',
      'customer_session',
      'sandbox_card_token',
    ]) {
      const dump = await query<{ row: string }>(em(), `select t::text as row from ${table} t`);
      expect(
        dump.filter((r) => r.row.includes(`p1.${ana.subjectId}.`)),
        table,
      ).toEqual([]);
    }
    const [profile] = await query<Record<string, unknown>>(
      em(),
      'select name, email, phone, birth_date, country_of_residence from customer where subject_id = ?',
      [ana.subjectId],
    );
    expect(Object.values(profile!).every((v) => v === null)).toBe(true);
    // The charged source stays as the payment record's link, without a number; the other is gone.
    const sources = await query<{ id: string; phone_sealed: string | null }>(
      em(),
      'select id, phone_sealed from carrier_billing_source where subject_id = ?',
      [ana.subjectId],
    );
    expect(sources).toEqual([{ id: ana.sourceId, phone_sealed: null }]);
    const refused = await ana.session.request('{ viewer { kind } }');
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // A copy taken before (a backup) no longer opens once the subject's key is destroyed.
    await keys.shred(em(), ana.subjectId);
    expect(
      await keys.open(em(), sealedBefore!.phone_sealed, `CarrierBillingSource.phone:${ana.sourceId}`),
    ).toBeNull();

    // The payment records and the line's cap are intact; Ben is exactly as before.
    const [charge] = await query<{ amount: string; captured: string }>(
      em(),
      'select amount::text, captured::text from carrier_charge where source_id = ?',
      [ana.sourceId],
    );
    expect(charge).toEqual({ amount: '5000', captured: '5000' });
    expect(await exported(ben.subject)).toEqual(benBefore);
    const { totpFactor } = await ben.session.data<{ totpFactor: { status: string } }>(
      '{ totpFactor { status } }',
    );
    expect(totpFactor.status).toBe('ACTIVE');

    // A second erasure finds nothing: the subject no longer exists.
    const again = await t.gateway.services.privacy.eraseSubject(em(), ana.subject);
    expect(again.every((e) => e.erased.length === 0 && e.kept.length === 0)).toBe(true);
  });
});
