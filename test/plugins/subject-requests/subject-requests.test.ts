import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { query } from '../../../core/plugin-api.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { allows, createCustomer, customerSession, giveConsent, publishNotice } from '../consent/support.ts';
import { awayFromStepEdge, CONFIRM, codeAt, ENROLL, secretOf, VERIFY } from '../totp/support.ts';
import {
  exportsBuilt,
  exportsFor,
  extend,
  fileRequest,
  listRequests,
  mutate,
  requestById,
  requestsGateway,
  runPass,
} from './support.ts';

let t: TestGateway;
beforeAll(async () => {
  t = await requestsGateway();
});
afterAll(() => t?.close());
afterEach(() => {
  vi.useRealTimers();
});

/** The gateway runs in this process: only `Date` is faked, timers and I/O run as usual. */
function at(iso: string) {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date(iso) });
}

async function shopWith(ref: string, jurisdiction: string) {
  const shop = await t.createMerchant();
  const customerId = await createCustomer(shop.client, ref, jurisdiction);
  return { ...shop, customerId };
}

describe('deadlines come from the pack that applies, counted with a date library', () => {
  test.each([
    ['2027-01-31T10:00:00.000Z', '2027-02-28T10:00:00.000Z'],
    ['2028-01-31T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    ['2027-03-31T10:00:00.000Z', '2027-04-30T10:00:00.000Z'],
    ['2027-02-28T10:00:00.000Z', '2027-03-28T10:00:00.000Z'],
  ])('GDPR: received %s, due one calendar month later: %s', async (received, due) => {
    const { client: shop } = await shopWith('anne', 'FR');
    at(received);
    const filed = await fileRequest(shop, { kind: 'access', customerRef: 'anne', channel: 'email' });
    vi.useRealTimers();
    expect(filed).toMatchObject({ law: 'gdpr', dueAt: due, receivedAt: received, channel: 'email' });
    expect(filed.rule).toContain('GDPR Art. 12(3)');
  });

  test('CPRA: acknowledgement in 10 California business days, skipping Thanksgiving and the day after', async () => {
    const { client: shop } = await shopWith('carla', 'US-CA');
    at('2026-11-25T18:00:00.000Z'); // a Wednesday, 10:00 in Los Angeles
    const access = await fileRequest(shop, { kind: 'access', customerRef: 'carla' });
    const optOut = await fileRequest(shop, { kind: 'opt_out_of_sale', customerRef: 'carla' });
    vi.useRealTimers();
    expect(access).toMatchObject({
      law: 'cpra',
      status: 'awaiting_verification',
      // Weekends only would give 9 December; 26 and 27 November are California state holidays.
      acknowledgeBy: '2026-12-11T18:00:00.000Z',
      acknowledgedAt: '2026-11-25T18:00:00.000Z',
      dueAt: '2027-01-09T18:00:00.000Z',
    });
    // The opt-out needs no verification (11 CCR 7026(d)) and is due in 15 business days.
    expect(optOut).toMatchObject({ law: 'cpra', dueAt: '2026-12-18T18:00:00.000Z' });
    expect(optOut.verification).toContain('not required');
    expect(optOut.status).toBe('completed');
  });

  test('PIPA: 10 days, no extension', async () => {
    const { client: shop } = await shopWith('minji', 'KR');
    at('2027-05-01T00:00:00.000Z');
    const filed = await fileRequest(shop, { kind: 'erasure', customerRef: 'minji' });
    vi.useRealTimers();
    expect(filed).toMatchObject({ law: 'pipa', dueAt: '2027-05-11T00:00:00.000Z' });
    const refused = await extend(shop, filed.id, 'we need more time to find every record');
    expect(refused).toMatchObject({ __typename: 'ExtensionNotAllowed' });
    expect(refused.reason).toContain('allows no extension');
  });
});

describe('an extension, with its reason told to the subject, once, within the first month', () => {
  test('GDPR +2 months from the first deadline; the subject sees why; a second one is refused', async () => {
    const { client: shop } = await shopWith('eva', 'DE');
    at('2027-01-31T10:00:00.000Z');
    const filed = await fileRequest(shop, { kind: 'access', customerRef: 'eva' });
    at('2027-02-20T10:00:00.000Z');
    const reason = 'Your request covers ten years of records kept in three systems.';
    const extended = await extend(shop, filed.id, reason);
    expect(extended).toMatchObject({
      dueAt: '2027-04-28T10:00:00.000Z',
      extendedAt: '2027-02-20T10:00:00.000Z',
      extensionReason: reason,
    });
    expect((await extend(shop, filed.id, reason)).reason).toContain('extended once already');
    vi.useRealTimers();
    const eva = await customerSession(t, shop, 'eva');
    expect(await requestById(eva, filed.id)).toMatchObject({
      extensionReason: reason,
      dueAt: extended.dueAt,
    });
    const { subjectRequest } = await shop.data<{
      subjectRequest: { history: { action: string; note: string | null }[] };
    }>('query($id: ID!) { subjectRequest(id: $id) { ... on SubjectRequest { history { action note } } } }', {
      id: filed.id,
    });
    expect(subjectRequest.history.map((h) => h.action)).toEqual(['file', 'extend']);
    expect(subjectRequest.history[1]!.note).toContain(reason);
  });

  test('GDPR: the notice must reach the subject within the first month: later, refused', async () => {
    const { client: shop } = await shopWith('fritz', 'DE');
    at('2027-01-15T10:00:00.000Z');
    const filed = await fileRequest(shop, { kind: 'erasure', customerRef: 'fritz' });
    at('2027-02-16T10:00:00.000Z');
    const late = await extend(shop, filed.id, 'Several systems must be searched by hand.');
    expect(late.__typename).toBe('ExtensionNotAllowed');
    expect(late.reason).toContain('had to be told by 2027-02-15T10:00:00.000Z');
  });
});

describe('identity first: nothing leaves before the subject is verified', () => {
  test('filed by the merchant, the request waits; the subject verifies with TOTP in its session; then the export is made', async () => {
    const { client: shop } = await shopWith('tom', 'FR');
    const tom = await customerSession(t, shop, 'tom');
    await awayFromStepEdge();
    const secret = secretOf((await tom.data<{ enrollTotp: { uri: string } }>(ENROLL)).enrollTotp.uri);
    await tom.data(CONFIRM, { code: await codeAt(secret, -1) });
    // A fresh session: the confirmation's grant belongs to the first one.
    const later = await customerSession(t, shop, 'tom');

    const filed = await fileRequest(shop, { kind: 'access', customerRef: 'tom', channel: 'phone' });
    expect(filed).toMatchObject({ status: 'awaiting_verification', verification: null });
    await runPass(t.operator);
    expect(await exportsFor(t, filed.id)).toEqual([]);
    expect(await listRequests(shop, { statuses: ['awaiting_verification'] })).toEqual([
      expect.objectContaining({ id: filed.id }),
    ]);

    const refused = await mutate(later, 'verifySubjectRequest', filed.id);
    expect(refused.errors?.[0]?.extensions?.code).toBe('STEP_UP_REQUIRED');
    expect((await requestById(later, filed.id)).status).toBe('awaiting_verification');
    expect(await exportsFor(t, filed.id)).toEqual([]);

    await later.data(VERIFY, { code: await codeAt(secret) });
    const verified = await mutate(later, 'verifySubjectRequest', filed.id);
    expect(verified.data?.verifySubjectRequest).toMatchObject({
      status: 'completed',
      verification: 'customer session + totp step-up',
    });
    const exportId = verified.data?.verifySubjectRequest?.answer?.exportId;
    expect(verified.data?.verifySubjectRequest?.export).toMatchObject({
      id: exportId,
      kind: 'access',
      requestId: filed.id,
    });
    expect(await exportsFor(t, filed.id)).toEqual([
      expect.objectContaining({ id: exportId, kind: 'access' }),
    ]);

    // The real export is built, and the subject downloads it through the link on its request.
    await exportsBuilt(t);
    const ready = await requestById(later, filed.id);
    expect(ready.export).toMatchObject({
      id: exportId,
      status: 'ready',
      url: `/exports/${exportId}/export.json`,
    });
    const response = await fetch(new URL(ready.export!.url!, t.origin), {
      headers: { authorization: `Bearer ${later.token}` },
    });
    expect(response.status).toBe(200);
    const document = (await response.json()) as {
      kind: string;
      requestId: string;
      sections: { name: string }[];
    };
    expect(document).toMatchObject({ kind: 'access', requestId: filed.id });
    expect(document.sections.map((section) => section.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^subject-requests/)]),
    );
    // Nobody else's credential opens it: another merchant's key gets the same 404 as a stranger.
    const other = await t.createMerchant();
    const foreign = await fetch(new URL(ready.export!.url!, t.origin), {
      headers: { authorization: `Bearer ${other.key}` },
    });
    expect(foreign.status).toBe(404);
  });

  test('a customer without a factor is verified by its session and served at once', async () => {
    const { client: shop } = await shopWith('ula', 'FR');
    const ula = await customerSession(t, shop, 'ula');
    const filed = await fileRequest(ula, { kind: 'portability' });
    expect(filed).toMatchObject({
      status: 'completed',
      filedBy: expect.stringMatching(/^customer-session:/),
      export: { kind: 'portability', requestId: filed.id },
    });
    await exportsBuilt(t);
    expect((await requestById(ula, filed.id)).export).toMatchObject({ status: 'ready' });
  });
});

describe('erasure', () => {
  test('the answer lists what was erased and kept, with the rule; partners are told through an event', async () => {
    const { client: shop, customerId, merchantId } = await shopWith('eli', 'FR');
    const eli = await customerSession(t, shop, 'eli');
    const filed = await fileRequest(eli, { kind: 'erasure' });
    expect(filed.status).toBe('completed');
    expect(filed.answer?.done.length).toBeGreaterThan(0);
    expect(filed.answer?.kept).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ what: expect.stringContaining('subject-requests') }),
      ]),
    );
    const events = await query<{ type: string; payload: { customerId: string } }>(
      t.gateway.database.em.fork(),
      "select type, payload from gateway_event where merchant_id = ? and type like 'subject_request.%' order by insert_order",
      [merchantId],
    );
    expect(events.map((e) => e.type)).toEqual([
      'subject_request.changed',
      'subject_request.changed',
      'subject_request.erased',
      'subject_request.changed',
    ]);
    expect(events[2]!.payload.customerId).toBe(customerId);
    // The answer is the kernel's `eraseSubject` answer, each line naming its plugin.
    expect(filed.answer?.done).toContain(
      'erased (subject-requests): subject request details (sealed under the subject’s key)',
    );
    expect(filed.answer?.kept.every((k) => k.rule.length > 0)).toBe(true);
  });

  test('a process that died after claiming an erasure leaves it processing; the scheduled pass resumes and completes it', async () => {
    const { client: shop, customerId } = await shopWith('rex', 'FR');
    const filed = await fileRequest(shop, { kind: 'erasure', customerRef: 'rex' });
    const em = t.gateway.database.em.fork();
    // What a SIGKILL right after the claim's commit leaves behind: processing, claim run out.
    await query(
      em,
      "update subject_request set status = 'processing', verified_at = now(), verification = 'test', claimed_until = now() - interval '1 second' where id = ?",
      [filed.id],
    );
    expect(await runPass(t.operator)).toMatchObject({ processed: 1 });
    const done = await requestById(shop, filed.id);
    expect(done).toMatchObject({ status: 'completed', customerId });
    expect(done.answer?.done.length).toBeGreaterThan(0);
    const { subjectRequest } = await shop.data<{ subjectRequest: { history: { action: string }[] } }>(
      'query($id: ID!) { subjectRequest(id: $id) { ... on SubjectRequest { history { action } } } }',
      { id: filed.id },
    );
    expect(subjectRequest.history.map((h) => h.action)).toEqual(['file', 'resume', 'complete']);
    expect(await runPass(t.operator)).toMatchObject({ processed: 0 });
  });

  test('a second erasure of an erased subject answers what the first one erased and kept', async () => {
    const { client: shop } = await shopWith('ivy', 'FR');
    const first = await fileRequest(shop, { kind: 'erasure', customerRef: 'ivy' });
    const second = await fileRequest(shop, { kind: 'erasure', customerRef: 'ivy' });
    // Both verified and claimed by a process that died: the pass carries out one, then the other.
    await query(
      t.gateway.database.em.fork(),
      "update subject_request set status = 'processing', verified_at = now(), verification = 'test', claimed_until = now() - interval '1 second' where id in (?, ?)",
      [first.id, second.id],
    );
    expect(await runPass(t.operator)).toMatchObject({ processed: 2 });
    const [a, b] = [await requestById(shop, first.id), await requestById(shop, second.id)];
    const [earlier, later] = a.answer?.note ? [b, a] : [a, b];
    expect(earlier.answer?.note).toBeNull();
    expect(later).toMatchObject({ status: 'completed' });
    expect(later.answer?.note).toBe('the subject’s personal data was already erased');
    expect(later.answer?.done).toEqual(earlier.answer?.done);
    expect(later.answer?.kept).toEqual(earlier.answer?.kept);
    expect(later.answer?.kept.length).toBeGreaterThan(0);
  });
});

describe('correction', () => {
  test('a correction of a financial field is refused with a typed error and nothing is filed', async () => {
    const { client: shop } = await shopWith('fin', 'FR');
    const fin = await customerSession(t, shop, 'fin');
    const refused = await fileRequest(fin, {
      kind: 'correction',
      corrections: [{ field: 'amount', value: '1' }],
    });
    expect(refused).toMatchObject({ __typename: 'FinancialRecordCorrectionRefused', field: 'amount' });
    expect(await listRequests(fin)).toEqual([]);
  });

  test('a profile field is corrected and audited', async () => {
    const { client: shop, customerId } = await shopWith('bea', 'FR');
    const bea = await customerSession(t, shop, 'bea');
    const done = await fileRequest(bea, {
      kind: 'correction',
      corrections: [{ field: 'countryOfResidence', value: 'BE' }],
    });
    expect(done).toMatchObject({ status: 'completed', answer: { done: ['corrected: countryOfResidence'] } });
    const { customer } = await shop.data<{ customer: { profile: { countryOfResidence: string } } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { profile { countryOfResidence } } } }',
      { id: customerId },
    );
    expect(customer.profile.countryOfResidence).toBe('BE');
  });

  test('a correction the law no longer allows when it is carried out is refused with the reason; nothing is stored', async () => {
    const { client: shop } = await shopWith('gia', 'FR');
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: ['FR'],
      purposes: [
        { id: 'payment', mandatory: true, items: ['payment record'] },
        { id: 'marketing', mandatory: false, items: ['email'] },
      ],
    });
    const granted = (marketing: boolean) =>
      giveConsent(shop, {
        customerRef: 'gia',
        noticeId: notice.id,
        decisions: [
          { purpose: 'payment', granted: true },
          { purpose: 'marketing', granted: marketing },
        ],
      });
    await granted(true);
    // Filed by the merchant while marketing allows an email: it waits for the subject's verification.
    const filed = await fileRequest(shop, {
      kind: 'correction',
      customerRef: 'gia',
      corrections: [{ field: 'email', value: 'gia@example.org' }],
    });
    expect(filed).toMatchObject({ status: 'awaiting_verification' });
    // Before she verifies it, she refuses marketing: no purpose lets the merchant keep her email now.
    await granted(false);
    const gia = await customerSession(t, shop, 'gia');
    const verified = await mutate(gia, 'verifySubjectRequest', filed.id);
    expect(verified.data?.verifySubjectRequest).toMatchObject({
      status: 'refused',
      answer: null,
      refusalReason: expect.stringContaining('marketing'),
    });
    const { customer } = await shop.data<{ customer: { profile: { email: string | null } } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { profile { email } } } }',
      { id: filed.customerId },
    );
    expect(customer.profile.email).toBeNull();
    // The refusal is audited like every move of the machine, and a pass does not take it up again.
    const history = await query<{ action: string; from_status: string; to_status: string }>(
      t.gateway.database.em.fork(),
      'select action, from_status, to_status from subject_request_change where request_id = ?',
      [filed.id],
    );
    expect(history).toContainEqual({ action: 'refuse', from_status: 'processing', to_status: 'refused' });
    expect(await runPass(t.operator)).toMatchObject({ processed: 0 });
  });
});

describe('restriction and opt-out go through consent', () => {
  test('a restricted subject’s optional purposes answer no; its export still works', async () => {
    const { client: shop, merchantId } = await shopWith('rita', 'FR');
    const notice = await publishNotice(shop, {
      language: 'en',
      territories: [],
      purposes: [
        { id: 'payment', mandatory: true, items: ['email'] },
        { id: 'marketing', mandatory: false, items: ['email'] },
      ],
    });
    const rita = await customerSession(t, shop, 'rita');
    await giveConsent(rita, {
      noticeId: notice.id,
      decisions: [
        { purpose: 'payment', granted: true },
        { purpose: 'marketing', granted: true },
      ],
    });
    expect(await allows(t, merchantId, 'rita', 'marketing')).toBe(true);
    const restricted = await fileRequest(rita, { kind: 'restriction' });
    expect(restricted.status).toBe('completed');
    expect(restricted.answer?.done).toContain('refused: marketing');
    expect(await allows(t, merchantId, 'rita', 'marketing')).toBe(false);
    expect(await allows(t, merchantId, 'rita', 'payment')).toBe(true);
    const access = await fileRequest(rita, { kind: 'access' });
    expect(access.status).toBe('completed');
  });
});

describe('tenants and subjects see only their own requests', () => {
  test('another merchant gets NotFound; another customer lists nothing', async () => {
    const { client: shop } = await shopWith('own', 'FR');
    const filed = await fileRequest(shop, { kind: 'access', customerRef: 'own' });
    const other = await t.createMerchant();
    expect((await requestById(other.client, filed.id)).__typename).toBe('NotFoundError');
    expect(await listRequests(other.client)).toEqual([]);
    await createCustomer(shop, 'neighbour', 'FR');
    const neighbour = await customerSession(t, shop, 'neighbour');
    expect(await listRequests(neighbour)).toEqual([]);
    expect((await requestById(neighbour, filed.id)).__typename).toBe('NotFoundError');
    expect(await listRequests(t.operator, { merchantId: other.merchantId })).toEqual([]);
  });
});

describe('overdue', () => {
  test('a request past its deadline shows as overdue, sorts first and emits its event once', async () => {
    const { client: shop } = await shopWith('olga', 'PL');
    at('2020-01-10T00:00:00.000Z');
    const late = await fileRequest(shop, { kind: 'access', customerRef: 'olga' });
    vi.useRealTimers();
    const fresh = await fileRequest(shop, { kind: 'erasure', customerRef: 'olga' });
    const list = await listRequests(shop);
    expect(list.map((r) => r.id)).toEqual([late.id, fresh.id]);
    expect(list[0]!.overdue).toBe(true);
    expect(list[1]!.overdue).toBe(false);
    expect((await listRequests(shop, { overdue: true })).map((r) => r.id)).toEqual([late.id]);
    const first = await runPass(t.operator);
    expect(first.overdue).toBeGreaterThanOrEqual(1);
    const events = await query<{ n: number }>(
      t.gateway.database.em.fork(),
      "select count(*)::int as n from gateway_event where type = 'subject_request.overdue' and payload->>'requestId' = ?",
      [late.id],
    );
    expect(events[0]!.n).toBe(1);
    await runPass(t.operator);
    const again = await query<{ n: number }>(
      t.gateway.database.em.fork(),
      "select count(*)::int as n from gateway_event where type = 'subject_request.overdue' and payload->>'requestId' = ?",
      [late.id],
    );
    expect(again[0]!.n).toBe(1);
  });
});
