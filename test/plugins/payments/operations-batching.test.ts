import { afterAll, beforeAll, expect, test } from 'vitest';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import type { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createFakeAcquirer } from './fake-acquirer.ts';
import { bootPayments, CREATE_PAYMENT, createCustomer, mutate } from './support.ts';

/**
 * Issue 17: `Payment.operations` ran one query per payment. A page of payments with their
 * operations now loads every page's operations in one query (a DataLoader per request).
 */
let t: TestGateway;
let shop: HttpGraphQLClient;
const network = createFakeAcquirer();
beforeAll(async () => {
  t = await bootPayments([network.plugin]);
  ({ client: shop } = await t.createMerchant('Batching'));
  const customerId = await createCustomer(shop);
  for (let i = 0; i < 12; i++) {
    const payment = await mutate(shop, CREATE_PAYMENT, {
      input: {
        customerId,
        method: 'test-card',
        sourceId: 'approve',
        amount: { amount: '10', currency: 'KRW' },
      },
    });
    expect(payment.status).toBe('captured');
  }
}, 180_000);
afterAll(() => t?.close());

/** SQL statements the gateway sends while `run` runs, that read the operations table. */
async function operationReads(run: () => Promise<unknown>): Promise<number> {
  const connection = t.gateway.database.orm.em.getConnection();
  const execute = connection.execute.bind(connection);
  let reads = 0;
  connection.execute = ((sql: unknown, ...rest: unknown[]) => {
    if (typeof sql === 'string' && /from "payment_operation"/.test(sql)) reads++;
    return (execute as (...args: unknown[]) => unknown)(sql, ...rest);
  }) as typeof connection.execute;
  try {
    await run();
  } finally {
    connection.execute = execute;
  }
  return reads;
}

test('a page of payments reads its operations in one query, each payment getting its own', async () => {
  let page: { node: { id: string; operations: { kind: string; amount: { amount: string } }[] } }[] = [];
  const reads = await operationReads(async () => {
    const data = await shop.data<{ payments: { edges: typeof page } }>(
      '{ payments(first: 50) { edges { node { id operations { kind amount { amount } } } } } }',
    );
    page = data.payments.edges;
  });
  expect(page.length).toBe(12);
  for (const { node } of page) expect(node.operations.length).toBeGreaterThan(0);
  expect(reads).toBe(1);
  // What each payment shows alone, one request each, is what the batched page showed.
  for (const { node } of page) {
    const alone = await shop.data<{ payment: { operations: unknown[] } }>(
      'query($id: ID!) { payment(id: $id) { ... on Payment { operations { kind amount { amount } } } } }',
      { id: node.id },
    );
    expect(alone.payment.operations).toEqual(node.operations);
  }
});
