import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { totpPlugin as totp } from '../../../plugins/totp/index.ts';
import { CONFIRM, codeAt, ENROLL, enrollAndConfirm, newOperator, secretOf, VERIFY } from './support.ts';

const CREATE_OPERATOR_KEY = `mutation($label: String!) {
  createApiKey(input: { kind: operator, label: $label }) { __typename ... on CreatedApiKey { secret } }
}`;
const GRANT = '{ stepUpGrant { factor expiresAt } }';

type Refusal = { message: string; extensions?: Record<string, unknown> };

function createKey(client: HttpGraphQLClient, label = 'minted') {
  return client.request<{ createApiKey: { __typename: string; secret?: string } }>(CREATE_OPERATOR_KEY, {
    label,
  });
}

async function keyCount(t: TestGateway): Promise<number> {
  const { apiKeys } = await t.operator.data<{ apiKeys: { edges: unknown[] } }>(
    '{ apiKeys(first: 1000) { edges { cursor } } }',
  );
  return apiKeys.edges.length;
}

function expectStepUpRequired(errors: Refusal[] | undefined, enrolled: boolean): void {
  expect(errors).toHaveLength(1);
  expect(errors![0]!.extensions).toEqual({
    code: 'STEP_UP_REQUIRED',
    stepUp: { action: 'api_key.create', factors: ['totp'], enrolled },
  });
}

describe('with the default options', () => {
  let t: TestGateway;
  // Everything secret this gateway saw; the last test checks that none of it reached a log line.
  const secrets: string[] = [];
  beforeAll(async () => {
    // Debug level: whatever the gateway would log in any deployment ends up in t.logs.
    t = await createTestGateway({ plugins: [totp], config: { log: { level: 'debug' } } });
  });
  afterAll(() => t?.close());

  test('a key without a second factor is not asked to step up', async () => {
    const staff = await newOperator(t);
    const created = await createKey(staff.client);
    expect(created.errors).toBeUndefined();
    expect(created.data?.createApiKey.__typename).toBe('CreatedApiKey');
    expect((await staff.client.data<{ stepUpGrant: unknown }>(GRANT)).stepUpGrant).toBeNull();
  });

  test('confirming enrollment grants step-up to that key, for five minutes', async () => {
    const staff = await newOperator(t);
    const before = Date.now();
    const { secret, recoveryCodes } = await enrollAndConfirm(staff.client);
    secrets.push(secret, ...recoveryCodes);
    const { stepUpGrant } = await staff.client.data<{ stepUpGrant: { factor: string; expiresAt: string } }>(
      GRANT,
    );
    expect(stepUpGrant.factor).toBe('totp');
    expect(new Date(stepUpGrant.expiresAt).getTime()).toBeGreaterThanOrEqual(before + 300_000);
    expect(new Date(stepUpGrant.expiresAt).getTime()).toBeLessThanOrEqual(Date.now() + 300_000);
    expect((await createKey(staff.client)).data?.createApiKey.__typename).toBe('CreatedApiKey');
  });

  test('merchant staff step up for their own keys the same way', async () => {
    const shop = await t.createMerchant('Step shop');
    const { secret } = await enrollAndConfirm(shop.client);
    secrets.push(secret);
    const created = await shop.client.request<{ createApiKey: { __typename: string } }>(
      'mutation { createApiKey(input: { kind: merchant, label: "till 2" }) { __typename } }',
    );
    expect(created.errors).toBeUndefined();
    expect(created.data?.createApiKey.__typename).toBe('CreatedApiKey');
  });

  test('a principal that may not create keys is refused as FORBIDDEN, enrolled or not', async () => {
    const partner = await t.operator.data<{ createPartner: { id: string } }>(
      'mutation { createPartner(name: "Analytics") { ... on Partner { id } } }',
    );
    const minted = await t.operator.data<{ createApiKey: { secret: string } }>(
      `mutation($p: ID!) { createApiKey(input: { kind: partner, label: "p", partnerId: $p }) { ... on CreatedApiKey { secret } } }`,
      { p: partner.createPartner.id },
    );
    const client = t.http(minted.createApiKey.secret);
    const { secret } = await enrollAndConfirm(client);
    secrets.push(secret);
    const refused = await createKey(client);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('the logs never contain a secret, a key URI, a code or a recovery code', async () => {
    const staff = await newOperator(t);
    const { secret, recoveryCodes } = await enrollAndConfirm(staff.client);
    const codes = [
      await codeAt(secret, -1),
      await codeAt(secret),
      await codeAt(secret, 1),
      await codeAt(secret, 9),
    ];
    await staff.client.data(VERIFY, { code: codes[3] });
    await staff.client.data(VERIFY, { code: codes[1] });
    await staff.client.data(VERIFY, { code: recoveryCodes[0] });
    const { enrollTotp } = await (await newOperator(t)).client.data<{
      enrollTotp: { uri: string; secret: string };
    }>(ENROLL);
    secrets.push(secret, ...recoveryCodes, enrollTotp.secret, enrollTotp.uri);

    const logs = t.logs.join('\n');
    expect(logs).toContain('totp enrollment confirmed');
    expect(logs).toContain('totp code rejected');
    expect(logs).toContain('totp recovery code used');
    for (const value of secrets) {
      expect(logs).not.toContain(value);
      expect(logs).not.toContain(value.replaceAll('-', ''));
    }
    for (const code of codes) expect(logs).not.toMatch(new RegExp(`(?<!\\d)${code}(?!\\d)`));
  });
});

describe('with grants that last 3 seconds', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [totp.with({ grantTtlSeconds: 3 })] });
  });
  afterAll(() => t?.close());

  test('an enrolled key without a fresh grant is refused with STEP_UP_REQUIRED; verifying lets it through; the grant serves no other key', async () => {
    const ana = await newOperator(t, 'ana');
    const bo = await newOperator(t, 'bo');
    const { secret } = await enrollAndConfirm(ana.client);
    await enrollAndConfirm(bo.client);
    const { stepUpGrant } = await bo.client.data<{ stepUpGrant: { expiresAt: string } }>(GRANT);
    await sleep(new Date(stepUpGrant.expiresAt).getTime() - Date.now() + 50);

    const before = await keyCount(t);
    const refused = await createKey(ana.client);
    expect(refused.data).toBeNull();
    expectStepUpRequired(refused.errors, true);
    expect(refused.errors![0]!.message).toMatch(/api_key\.create/);
    expect(await keyCount(t)).toBe(before);
    expect((await ana.client.data<{ stepUpGrant: unknown }>(GRANT)).stepUpGrant).toBeNull();

    const { verifyTotp } = await ana.client.data<{ verifyTotp: { __typename: string } }>(VERIFY, {
      code: await codeAt(secret),
    });
    expect(verifyTotp.__typename).toBe('TotpVerification');
    const allowed = await createKey(ana.client);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data?.createApiKey.__typename).toBe('CreatedApiKey');

    const other = await createKey(bo.client);
    expectStepUpRequired(other.errors, true);
    expect(await keyCount(t)).toBe(before + 1);
  });
});

describe('when operators are required to enroll', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await createTestGateway({ plugins: [totp.with({ requiredFor: ['operator'] })] });
  });
  afterAll(() => t?.close());

  test('an operator without a factor is refused with enrolled: false until it enrolls and confirms', async () => {
    expectStepUpRequired((await createKey(t.operator)).errors, false);

    // A pending enrollment is not a factor yet.
    const { enrollTotp } = await t.operator.data<{ enrollTotp: { uri: string } }>(ENROLL);
    expectStepUpRequired((await createKey(t.operator)).errors, false);

    const { confirmTotp } = await t.operator.data<{ confirmTotp: { __typename: string } }>(CONFIRM, {
      code: await codeAt(secretOf(enrollTotp.uri)),
    });
    expect(confirmTotp.__typename).toBe('TotpConfirmation');
    expect((await createKey(t.operator)).data?.createApiKey.__typename).toBe('CreatedApiKey');
  });
});
