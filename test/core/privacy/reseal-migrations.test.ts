import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { hashToken, mintToken } from '../../../core/auth/tokens.ts';
import { migrationSecrets } from '../../../core/db/migration-secrets.ts';
import { query } from '../../../core/db/sql.ts';
import type { Gateway } from '../../../core/gateway.ts';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { tablesHolding } from '../../../core/testing/raw-tables.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { codeAt, VERIFY } from '../../plugins/totp/support.ts';

// The migrations that move existing personal fields onto subject keys (issue 11), run on rows
// written in the old shape: customer references in clear, an end user's TOTP secret under the
// master key. Afterwards everything reads back the same through the API, one subject per
// (merchant, reference) links the rows, and no table holds the reference or the secret in clear.

const RESEALING = [
  'privacy/0003-customer-sessions-under-subject-keys',
  'payments/0016-customer-ref-under-subject-keys',
  'sandbox-card/0002-card-owner-under-subject-keys',
  'carrier-billing/0002-phone-owner-under-subject-keys',
  'carrier-billing/0003-phone-index-from-the-kernel',
  'carrier-billing/0004-phone-numbers-under-subject-keys',
  'totp/0002-end-user-factors-under-subject-keys',
];

const merchantId = randomUUID();
const customerId = randomUUID();
const factorId = randomUUID();
const customerRef = `legacy-${randomUUID()}`;
const totpSecret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const sessionToken = mintToken('session');
const subscriberId = randomUUID();
const sourceId = randomUUID();
const verificationId = randomUUID();
const phone = '01055509876';

async function oldShape(gateway: Gateway): Promise<void> {
  const { migrator } = gateway.database.orm;
  const older = (await migrator.getPending()).map((m) => m.name).filter((name) => !RESEALING.includes(name));
  expect(older.length).toBeGreaterThan(10);
  await migrator.up({ migrations: older });
  const em = gateway.database.em.fork();
  const run = (sql: string, params: unknown[]) => query(em, sql, params);
  await run(`insert into merchant (id, name, created_at) values (?, 'Old shop', now())`, [merchantId]);
  await run(
    `insert into customer (id, merchant_id, external_ref, jurisdiction, created_at) values (?, ?, ?, 'KR', now())`,
    [customerId, merchantId, customerRef],
  );
  await run(
    `insert into customer_session (id, token_hash, merchant_id, customer_ref, created_at, expires_at)
     values (?, ?, ?, ?, now(), now() + interval '1 hour')`,
    [randomUUID(), hashToken(sessionToken), merchantId, customerRef],
  );
  await run(
    `insert into sandbox_card_token (id, merchant_id, customer_ref, brand, last4, exp_month, exp_year, behaviour, created_at)
     values (?, ?, ?, 'visa', '4242', 1, 2031, 'approve', now())`,
    [randomUUID(), merchantId, customerRef],
  );
  // Indexed with the plugin's old HMAC key: any value the new index would not reproduce.
  await run(
    `insert into carrier_subscriber (id, phone_index, phone_sealed, carrier, created_at, updated_at)
     values (?, ?, ?, 'SKT', now(), now())`,
    [
      subscriberId,
      'f'.repeat(64),
      migrationSecrets(gateway.database.orm.config).seal('carrier-billing:phone', phone, subscriberId),
    ],
  );
  await run(
    `insert into carrier_verification (id, subscriber_id, merchant_id, customer_ref, code_hash, expires_at, created_at)
     values (?, ?, ?, ?, ?, now(), now())`,
    [verificationId, subscriberId, merchantId, customerRef, '0'.repeat(64)],
  );
  await run(
    `insert into carrier_billing_source (id, subscriber_id, merchant_id, customer_ref, carrier, created_at)
     values (?, ?, ?, ?, 'SKT', now())`,
    [sourceId, subscriberId, merchantId, customerRef],
  );
  // The TOTP plugin's old sealing: the master key, purpose `totp.secret`, bound to the row id.
  await run(
    `insert into totp_factor (id, merchant_id, customer_ref, secret_sealed, failed_attempts, lockouts, created_at, activated_at)
     values (?, ?, ?, ?, 0, 0, now(), now())`,
    [factorId, merchantId, customerRef, masterSealed(gateway, totpSecret, factorId)],
  );
}

/** What the TOTP plugin wrote before: the secret sealed with the plugin runtime's SecretBox. */
function masterSealed(gateway: Gateway, secret: string, id: string): string {
  return migrationSecrets(gateway.database.orm.config).seal('totp.secret', secret, id);
}

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({
    plugins: [paymentsPlugin, sandboxCardPlugin, carrierBillingPlugin, totpPlugin],
    beforeStart: oldShape,
  });
});
afterAll(() => t?.close());

describe('re-sealing migrations', () => {
  test('every old row points at one subject, reads back the same, and no table holds the reference or secret in clear', async () => {
    const em = t.gateway.database.em.fork();
    const subjectId = await t.gateway.services.privacy.keys.findSubjectId(em, { merchantId, customerRef });
    expect(subjectId).not.toBeNull();
    for (const table of [
      'customer',
      'customer_session',
      'sandbox_card_token',
      'carrier_verification',
      'carrier_billing_source',
      'totp_factor',
    ]) {
      const rows = await query<{ subject_id: string }>(em, `select subject_id from "${table}"`);
      expect(rows, table).toEqual([{ subject_id: subjectId }]);
    }
    expect(await tablesHolding(em, [customerRef, totpSecret, phone])).toEqual([]);
    // Phone lines are found through the kernel's blind index now.
    const [line] = await query<{ id: string; phone_index: string }>(
      em,
      'select id, phone_index from carrier_subscriber',
    );
    expect(line).toEqual({
      id: subscriberId,
      phone_index: await t.gateway.services.privacy.blindIndex.of(em, 'carrier-phone', '*', phone),
    });

    const { createApiKey } = await t.operator.data<{ createApiKey: { secret: string } }>(
      `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "old", merchantId: $m }) { ... on CreatedApiKey { secret } } }`,
      { m: merchantId },
    );
    const merchant = t.http(createApiKey.secret);
    const { customer } = await merchant.data<{ customer: { customerRef: string } }>(
      'query($id: ID!) { customer(id: $id) { ... on Customer { customerRef } } }',
      { id: customerId },
    );
    expect(customer.customerRef).toBe(customerRef);

    // The session minted before the migration still works, as the same end user.
    const session = t.http(sessionToken);
    const { viewer } = await session.data<{ viewer: { customerRef: string } }>('{ viewer { customerRef } }');
    expect(viewer.customerRef).toBe(customerRef);
    const own = await session.data<{ customer: { __typename: string } }>(
      'query($id: ID!) { customer(id: $id) { __typename } }',
      { id: customerId },
    );
    expect(own.customer.__typename).toBe('Customer');
    // The phone number moved off the master key onto the holder's subject key, row by row.
    const keys = t.gateway.services.privacy.keys;
    const [held] = await query<{ source: string; verification: string }>(
      em,
      `select s.phone_sealed as source, v.phone_sealed as verification
       from carrier_billing_source s, carrier_verification v where s.id = ? and v.id = ?`,
      [sourceId, verificationId],
    );
    expect(held!.source.startsWith(`p1.${subjectId}.`)).toBe(true);
    expect(await keys.open(em, held!.source, `CarrierBillingSource.phone:${sourceId}`)).toBe(phone);
    expect(await keys.open(em, held!.verification, `CarrierVerification.phone:${verificationId}`)).toBe(
      phone,
    );
    const columns = await query<{ column_name: string }>(
      em,
      `select column_name from information_schema.columns where table_name = 'carrier_subscriber'`,
    );
    expect(columns.map((c) => c.column_name)).not.toContain('phone_sealed');
    const { carrierBillingSource } = await session.data<{
      carrierBillingSource: { maskedPhoneNumber: string };
    }>(
      'query($id: ID!) { carrierBillingSource(id: $id) { ... on CarrierBillingSource { maskedPhoneNumber } } }',
      { id: sourceId },
    );
    expect(carrierBillingSource.maskedPhoneNumber).toBe('010-****-9876');
    // The re-sealed TOTP secret still checks the end user's codes.
    const verified = await session.data<{ verifyTotp: { __typename: string } }>(VERIFY, {
      code: await codeAt(totpSecret),
    });
    expect(verified.verifyTotp.__typename).toBe('TotpVerification');
  });
});
