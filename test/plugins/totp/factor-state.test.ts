import { printSchema } from 'graphql';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestGateway, type TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { ENROLL, enrollAndConfirm, newOperator } from './support.ts';

// Every other enum of the API is lower case; TOTP's factor state is too, as `state`. The old
// upper-case `status` keeps answering for one release, deprecated, so existing clients work.

let t: TestGateway;
beforeAll(async () => {
  t = await createTestGateway({ plugins: [totpPlugin] });
});
afterAll(() => t?.close());

const FACTOR = '{ totpFactor { state status } }';

test('state is pending, then active; the deprecated status still answers PENDING, then ACTIVE', async () => {
  const staff = await newOperator(t);
  await staff.client.data(ENROLL);
  expect((await staff.client.data<{ totpFactor: unknown }>(FACTOR)).totpFactor).toEqual({
    state: 'pending',
    status: 'PENDING',
  });
  const other = await newOperator(t, 'other');
  await enrollAndConfirm(other.client);
  expect((await other.client.data<{ totpFactor: unknown }>(FACTOR)).totpFactor).toEqual({
    state: 'active',
    status: 'ACTIVE',
  });
});

test('the schema marks the upper-case status deprecated', () => {
  const sdl = printSchema(t.gateway.schema);
  expect(sdl).toMatch(/status: TotpStatus! @deprecated\(reason: "Use state/);
  expect(sdl).toMatch(/enum TotpFactorState \{[^}]*active[^}]*pending[^}]*\}/s);
});
