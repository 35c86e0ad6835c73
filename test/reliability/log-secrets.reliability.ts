import { randomInt } from 'node:crypto';
import { generate } from 'otplib';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createOperatorKey, GatewayProcess, gatewayEnv } from './support/gateway-process.ts';
import { data, postGraphQL } from './support/graphql.ts';
import { printFigures } from './support/report.ts';
import {
  cardForms,
  excerpt,
  findSecret,
  phoneForms,
  type Secret,
  tokenForms,
} from './support/secret-forms.ts';
import { createMerchant, tokenizeCard } from './support/shop.ts';
import { clusterHandle } from './support/throwaway-cluster.ts';

/**
 * Secrets stay out of logs: the gateway runs at debug level through key creation, customer
 * sessions, TOTP enrollment and verification, sandbox cards and carrier billing, and through
 * requests that put each secret where an id or another value is expected (so that database error
 * messages would carry it); then every line it wrote, and the database server's own log, is
 * searched for every secret in every form.
 */
const KINDS = [
  'API key',
  'session token',
  'webhook secret',
  'card number',
  'TOTP secret',
  'TOTP code',
  'recovery code',
  'carrier code',
  'phone number',
  'master key',
] as const;

describe('secrets stay out of logs (debug level)', () => {
  const secrets: Secret[] = [];
  let gatewayLog = '';
  let serverLog = '';
  let gateway: GatewayProcess | undefined;

  beforeAll(async () => {
    const cluster = clusterHandle(inject('cluster').name, inject('cluster').port);
    const serverLogBefore = cluster.serverLog().length;
    const env = await gatewayEnv(await cluster.createDatabase('gw_log_secrets'), 'debug');
    secrets.push({ kind: 'master key', value: env.masterKey });
    const operatorKey = await createOperatorKey(env);
    secrets.push(...tokenForms('API key', operatorKey));
    gateway = new GatewayProcess(env);
    gateway.start();
    await gateway.waitReady();
    await walkThrough(gateway.url, operatorKey, secrets);
    await gateway.stop();
    gatewayLog = gateway.lines.join('\n');
    serverLog = cluster.serverLog().slice(serverLogBefore);
    const levels: Record<string, number> = {};
    for (const line of gateway.lines) {
      const level = /"level":(\d+)/.exec(line)?.[1] ?? 'other';
      levels[level] = (levels[level] ?? 0) + 1;
    }
    printFigures('log-secrets', {
      secretsSearched: secrets.length,
      gatewayLogLines: gateway.lines.length,
      linesByLevel: JSON.stringify(levels),
      serverLogBytes: serverLog.length,
    });
  }, 5 * 60_000);

  afterAll(() => gateway?.stop());

  it('the walk-through ran at debug level and logged', () => {
    expect(gatewayLog.length).toBeGreaterThan(0);
    for (const kind of KINDS)
      expect(
        secrets.some((s) => s.kind === kind),
        `no ${kind} was made`,
      ).toBe(true);
  });

  for (const kind of KINDS) {
    it(`no ${kind} in clear in the gateway's log`, () => {
      const hits = secrets
        .filter((s) => s.kind === kind)
        .map((s) => ({ s, at: findSecret(gatewayLog, s) }))
        .filter(({ at }) => at >= 0)
        .map(({ s, at }) => excerpt(gatewayLog, at, s));
      expect(hits, `invariant broken: a ${kind} was logged`).toEqual([]);
    });
  }

  it("no secret of any kind in the database server's log", () => {
    const hits = secrets
      .map((s) => ({ s, at: findSecret(serverLog, s) }))
      .filter(({ at }) => at >= 0)
      .map(({ s, at }) => `${s.kind}: ${excerpt(serverLog, at, s)}`);
    expect(hits, "invariant broken: the database server's log holds a secret").toEqual([]);
  });
});

/** Every flow that handles a secret, the right way and the wrong way. */
async function walkThrough(url: string, operatorKey: string, secrets: Secret[]): Promise<void> {
  const { merchantId, merchantKey } = await createMerchant(url, operatorKey, 'Secrets shop');
  secrets.push(...tokenForms('API key', merchantKey));

  // TOTP: enroll, confirm, verify right and wrong, use a recovery code.
  const { enrollTotp } = await data<{ enrollTotp: { uri: string } }>(
    url,
    merchantKey,
    'mutation { enrollTotp { ... on TotpEnrollment { uri } } }',
  );
  const totpSecret = new URL(enrollTotp.uri).searchParams.get('secret')!;
  secrets.push({ kind: 'TOTP secret', value: totpSecret }, { kind: 'TOTP secret', value: enrollTotp.uri });
  const codeAt = (steps: number) =>
    generate({ secret: totpSecret, epoch: Math.floor(Date.now() / 1000) + steps * 30 });
  const first = await codeAt(-1);
  const { confirmTotp } = await data<{ confirmTotp: { recoveryCodes?: string[] } }>(
    url,
    merchantKey,
    'mutation($c: String!) { confirmTotp(code: $c) { __typename ... on TotpConfirmation { recoveryCodes } } }',
    { c: first },
  );
  const recoveryCodes = confirmTotp.recoveryCodes ?? [];
  secrets.push(...recoveryCodes.map((value) => ({ kind: 'recovery code', value })));
  const VERIFY = 'mutation($c: String!) { verifyTotp(code: $c) { __typename } }';
  const now = await codeAt(0);
  const wrong = String((Number(now) + 1) % 1_000_000).padStart(6, '0');
  for (const code of [now, wrong, recoveryCodes[0] ?? 'none'])
    await postGraphQL(url, merchantKey, VERIFY, { c: code });
  secrets.push(
    { kind: 'TOTP code', value: first },
    { kind: 'TOTP code', value: now },
    { kind: 'TOTP code', value: wrong },
  );

  // Keys of every kind (a fresh step-up covers the merchant's), a partner, a session, a webhook.
  const { createApiKey } = await data<{ createApiKey: { secret?: string } }>(
    url,
    merchantKey,
    'mutation { createApiKey(input: { kind: merchant, label: "second" }) { __typename ... on CreatedApiKey { secret } } }',
  );
  if (createApiKey.secret) secrets.push(...tokenForms('API key', createApiKey.secret));
  const { createPartner } = await data<{ createPartner: { id: string } }>(
    url,
    operatorKey,
    'mutation { createPartner(name: "Secrets partner") { ... on Partner { id } } }',
  );
  const partner = await data<{ createApiKey: { secret: string } }>(
    url,
    operatorKey,
    `mutation($p: ID!) { createApiKey(input: { kind: partner, label: "p", partnerId: $p }) { ... on CreatedApiKey { secret } } }`,
    { p: createPartner.id },
  );
  secrets.push(...tokenForms('API key', partner.createApiKey.secret));
  const customerRef = `secret-customer-${randomInt(1e9)}`;
  const { createCustomer } = await data<{ createCustomer: { id: string } }>(
    url,
    merchantKey,
    'mutation($r: String!) { createCustomer(input: { externalRef: $r, jurisdiction: "KR" }) { ... on Customer { id } } }',
    { r: customerRef },
  );
  const { createCustomerSession } = await data<{ createCustomerSession: { token: string } }>(
    url,
    merchantKey,
    'mutation($r: String!) { createCustomerSession(customerRef: $r) { ... on CreatedCustomerSession { token } } }',
    { r: customerRef },
  );
  const session = createCustomerSession.token;
  secrets.push(...tokenForms('session token', session));
  await postGraphQL(url, session, '{ viewer { kind } wallets { edges { node { id } } } }');
  const webhook = await data<{ createWebhookEndpoint: { secret?: string } }>(
    url,
    merchantKey,
    `mutation { createWebhookEndpoint(input: { url: "https://example.com/hooks", eventTypes: ["*"] }) {
      ... on WebhookEndpointWithSecret { secret } } }`,
  );
  if (webhook.createWebhookEndpoint.secret) {
    secrets.push(...tokenForms('webhook secret', webhook.createWebhookEndpoint.secret));
  }

  // Sandbox cards: good numbers, a bad one, through a merchant and a customer session.
  const cards = ['4242 4242 4242 4242', '5555-5555-5555-4444', '4000000000000002', '4242424242424241'];
  for (const number of cards) secrets.push(...cardForms(number));
  const approve = await tokenizeCard(url, merchantKey, cards[0]!);
  await postGraphQL(
    url,
    session,
    `mutation($n: String!) { tokenizeSandboxCard(input: { number: $n, expMonth: 12, expYear: 2040, cvc: "123" }) { __typename } }`,
    { n: cards[1] },
  );
  for (const number of cards.slice(2)) {
    await postGraphQL(
      url,
      merchantKey,
      `mutation($n: String!) { tokenizeSandboxCard(input: { number: $n, expMonth: 13, expYear: 1999, cvc: "12" }) { __typename } }`,
      { n: number },
    );
  }
  await postGraphQL(
    url,
    merchantKey,
    `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { __typename } }`,
    {
      i: {
        customerId: createCustomer.id,
        method: 'sandbox-card',
        sourceId: approve,
        amount: { amount: '1000', currency: 'KRW' },
      },
    },
    { 'idempotency-key': 'secrets-card-1' },
  );

  // Carrier billing: verify a phone, pay, confirm with the right and a wrong code.
  const phone = `010${randomInt(20_000_000, 99_999_999)}`;
  secrets.push(...phoneForms(phone));
  const dashed = `${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`;
  const started = await data<{ startCarrierVerification: { id: string } }>(
    url,
    merchantKey,
    `mutation($p: String!, $r: String!) { startCarrierVerification(input: { phoneNumber: $p, carrier: SKT, customerRef: $r }) { ... on CarrierVerification { id } } }`,
    { p: dashed, r: customerRef },
  );
  const outbox = async () =>
    (
      await data<{ carrierSandboxOutbox: { messages: { reference: string; code: string }[] } }>(
        url,
        operatorKey,
        'query($p: String!) { carrierSandboxOutbox(phoneNumber: $p, last: 20) { ... on CarrierSandboxInbox { messages { reference code } } } }',
        { p: phone },
      )
    ).carrierSandboxOutbox.messages;
  const verificationCode = (await outbox()).find(
    (m) => m.reference === started.startCarrierVerification.id,
  )!.code;
  secrets.push({ kind: 'carrier code', value: verificationCode });
  await postGraphQL(
    url,
    merchantKey,
    'mutation($i: ID!, $c: String!) { confirmCarrierVerification(id: $i, code: $c) { __typename } }',
    {
      i: started.startCarrierVerification.id,
      c: String((Number(verificationCode) + 7) % 1_000_000).padStart(6, '0'),
    },
  );
  const source = await data<{ confirmCarrierVerification: { id: string } }>(
    url,
    merchantKey,
    'mutation($i: ID!, $c: String!) { confirmCarrierVerification(id: $i, code: $c) { ... on CarrierBillingSource { id } } }',
    { i: started.startCarrierVerification.id, c: verificationCode },
  );
  const paid = await data<{ createPayment: { id: string } }>(
    url,
    merchantKey,
    `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { ... on Payment { id } } }`,
    {
      i: {
        customerId: createCustomer.id,
        method: 'carrier-billing',
        sourceId: source.confirmCarrierVerification.id,
        amount: { amount: '5000', currency: 'KRW' },
      },
    },
    { 'idempotency-key': 'secrets-carrier-1' },
  );
  const paymentCode = (await outbox()).find((m) => m.reference !== started.startCarrierVerification.id)?.code;
  if (paymentCode) secrets.push({ kind: 'carrier code', value: paymentCode });
  await postGraphQL(
    url,
    merchantKey,
    'mutation($p: ID!, $c: String!) { confirmPayment(paymentId: $p, response: $c) { __typename } }',
    {
      p: paid.createPayment.id,
      c: paymentCode ?? '000000',
    },
  );

  // Each secret where an id or another value is expected: a database error must not carry it.
  const misplaced = [
    operatorKey,
    merchantKey,
    session,
    totpSecret,
    recoveryCodes[1] ?? 'x',
    dashed,
    cards[0]!,
    cards[2]!,
  ];
  for (const value of misplaced) {
    for (const [token, query] of [
      [operatorKey, 'mutation($v: ID!) { revokeApiKey(id: $v) { __typename } }'],
      [operatorKey, 'query($v: ID!) { merchant(id: $v) { __typename } }'],
      [merchantKey, 'query($v: ID!) { webhookEndpoint(id: $v) { __typename } }'],
      [merchantKey, 'query($v: ID!) { payment(id: $v) { __typename } }'],
      [merchantKey, 'query($v: ID!) { wallet(id: $v) { __typename } }'],
      [merchantKey, 'query($v: ID!) { customer(id: $v) { __typename } }'],
      [merchantKey, 'query($v: ID!) { carrierBillingSource(id: $v) { __typename } }'],
      [merchantKey, 'query($v: [ID!]) { events(merchantIds: $v) { __typename } }'],
      [merchantKey, 'query($v: String) { payments(after: $v) { __typename } }'],
      [operatorKey, 'query($v: String!) { carrierSandboxOutbox(phoneNumber: $v) { __typename } }'],
    ] as const) {
      await postGraphQL(url, token, query, { v: query.includes('[ID!]') ? [value] : value });
    }
    await postGraphQL(
      url,
      merchantKey,
      `mutation($i: CreatePaymentInput!) { createPayment(input: $i) { __typename } }`,
      {
        i: {
          customerId: value,
          method: 'sandbox-card',
          sourceId: value,
          amount: { amount: value, currency: 'KRW' },
        },
      },
      { 'idempotency-key': `misplaced-${randomInt(1e9)}` },
    );
    // As a credential, too.
    await postGraphQL(url, `${value}x`, '{ viewer { kind } }');
  }
  await postGraphQL(url, merchantKey, '{ viewer { kind } }', {}, { 'idempotency-key': merchantKey });
  void merchantId;
}
