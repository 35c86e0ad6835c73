import type pg from 'pg';
import type { EventSubscriber, WebhookReceiver } from './event-watchers.ts';
import type { KeyRecord } from './payment-load.ts';
import type { Shop } from './shop.ts';

/** One invariant and what broke it (empty: it holds). */
export interface Check {
  name: string;
  failures: string[];
}

const NON_FINAL_PAYMENT = ['created', 'processing', 'unknown'];
/** How long after its payment settled a retried key may still go unanswered. */
export const ANSWER_AFTER_SETTLING_SECONDS = 10;

/** The invariants every disrupted run is reconciled against, as the report names them. */
export const INVARIANTS = {
  acknowledgedExist: 'every acknowledged payment exists (with the key it was acknowledged for)',
  noDuplicate: 'no key produced two payments',
  refusedUnpaid: 'no key acknowledged as refused has a payment',
  noStranger: 'every payment comes from a key a client sent',
  everyKeyAnswered: 'every key was answered (the client retried until acknowledged)',
  moneyConserved: 'money is conserved across every wallet and the merchant',
  networkMatches: 'the card network charged and holds exactly what the gateway recorded',
  ledgerVerify: '`gateway ledger verify` passes',
  everyPaymentHasEvent: 'every committed payment has the event of its state',
  nothingNonFinal: 'nothing is left in a non-final state after the janitor’s period',
  noStrandedCapture: 'no automatic-capture payment is left authorized',
  noFakeIssuerDecline: 'no payment from an always-approving card is recorded as the issuer’s decline',
  subscriptionComplete:
    'the event subscription delivered every payment event (resuming from its cursor), none twice',
  webhooksComplete: 'webhook dispatch delivered every payment event',
  answeredAfterSettling: `a retried key gets its answer within ${ANSWER_AFTER_SETTLING_SECONDS}s of its payment settling`,
} as const;

interface PaymentRow {
  id: string;
  client_key: string | null;
  method: string;
  purpose: string;
  source_id: string;
  status: string;
  capture_method: string;
  amount: string;
  authorized_amount: string;
  captured_amount: string;
  refunded_amount: string;
  decline_reason: string | null;
  updated_at: Date;
}

const big = (value: string | number | null | undefined) => BigInt(value ?? 0);
const first = (failures: string[], limit = 8) =>
  failures.length > limit
    ? [...failures.slice(0, limit), `... and ${failures.length - limit} more`]
    : failures;

export async function paymentsOf(db: pg.Client, merchantId: string): Promise<PaymentRow[]> {
  const { rows } = await db.query<PaymentRow>(
    `select id, (select e->>'value' from jsonb_array_elements(metadata) e where e->>'key' = 'clientKey') as client_key,
       method, purpose, source_id, status, capture_method, amount, authorized_amount, captured_amount,
       refunded_amount, decline_reason, updated_at
     from payment_intent where merchant_id = $1`,
    [merchantId],
  );
  return rows;
}

/** What is still moving: operations not settled, payments not final, keys in flight, webhooks due. */
export async function unsettled(db: pg.Client, merchantId: string) {
  const { rows } = await db.query<Record<string, string>>(
    `select
       (select count(*) from payment_operation o join payment_intent p on p.id = o.payment_id
         where p.merchant_id = $1 and o.status in ('started', 'pending', 'unknown')) as operations,
       (select count(*) from payment_intent where merchant_id = $1 and status = any($2)) as payments,
       (select count(*) from payment_intent where merchant_id = $1 and capture_method = 'automatic'
         and status = 'authorized') as stranded,
       (select count(*) from idempotency_record where scope = 'merchant:' || $1 and status = 'in_flight') as keys,
       (select count(*) from gateway_event where position is null) as unsequenced,
       (select count(*) from webhook_delivery where state = 'pending') as webhooks`,
    [merchantId, NON_FINAL_PAYMENT],
  );
  const row = rows[0]!;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as Record<string, number>;
}

export interface ReconcileInput {
  db: pg.Client;
  shop: Shop;
  keys: readonly KeyRecord[];
  ledgerVerify: { code: number; output: string };
  subscriber: EventSubscriber;
  webhooks: WebhookReceiver;
  /** When each gateway process became ready (a retried key cannot be answered before). */
  readyTimes: readonly number[];
}

export interface Reconciliation {
  checks: Check[];
  figures: Record<string, number>;
}

export async function reconcile(input: ReconcileInput): Promise<Reconciliation> {
  const { db, shop, keys } = input;
  const payments = (await paymentsOf(db, shop.merchantId)).filter((p) => p.purpose !== 'top_up');
  const byId = new Map(payments.map((p) => [p.id, p]));
  const byKey = new Map<string, PaymentRow[]>();
  for (const p of payments) byKey.set(p.client_key ?? '', [...(byKey.get(p.client_key ?? '') ?? []), p]);
  const sentKeys = new Set(keys.map((k) => k.key));
  const checks: Check[] = [];
  const check = (name: string, failures: string[]) => checks.push({ name, failures: first(failures) });

  const acknowledged = keys.filter((k) => k.ack);
  const lost = acknowledged.filter(
    (k) => k.ack?.paymentId && byId.get(k.ack.paymentId)?.client_key !== k.key,
  );
  check(
    INVARIANTS.acknowledgedExist,
    lost.map(
      (k) =>
        `key ${k.key}: acknowledged payment ${k.ack?.paymentId} (${k.ack?.status}) is not in the database`,
    ),
  );
  const duplicated = [...byKey].filter(([key, rows]) => key && rows.length > 1);
  check(
    INVARIANTS.noDuplicate,
    duplicated.map(
      ([key, rows]) => `key ${key}: ${rows.length} payments ${rows.map((r) => r.id).join(', ')}`,
    ),
  );
  const refusedButPaid = acknowledged.filter((k) => k.ack?.refusal && byKey.has(k.key));
  check(
    INVARIANTS.refusedUnpaid,
    refusedButPaid.map(
      (k) => `key ${k.key}: refused ${k.ack?.refusal} but paid ${byKey.get(k.key)?.[0]?.id}`,
    ),
  );
  const strangers = payments.filter((p) => !p.client_key || !sentKeys.has(p.client_key));
  check(
    INVARIANTS.noStranger,
    strangers.map((p) => `payment ${p.id} has key ${p.client_key}`),
  );
  const unanswered = keys.filter((k) => !k.ack);
  check(
    INVARIANTS.everyKeyAnswered,
    unanswered.map(
      (k) =>
        `key ${k.key} (${k.kind}, ${k.attempts} attempts) unanswered; database: ${byKey.get(k.key)?.[0]?.status ?? 'no payment'}`,
    ),
  );

  checks.push(...(await moneyChecks(db, shop, payments)));

  check(
    INVARIANTS.ledgerVerify,
    input.ledgerVerify.code === 0
      ? []
      : [`exit ${input.ledgerVerify.code}: ${input.ledgerVerify.output.slice(0, 1500)}`],
  );

  const { rows: missingEvents } = await db.query<{ id: string; status: string }>(
    `select p.id, p.status from payment_intent p where p.merchant_id = $1 and not exists (
       select 1 from gateway_event e where e.payload->>'paymentId' = p.id::text
         and e.payload->>'status' = p.status and e.position is not null)`,
    [shop.merchantId],
  );
  check(
    INVARIANTS.everyPaymentHasEvent,
    missingEvents.map((p) => `payment ${p.id} (${p.status}) has no sequenced payment.${p.status} event`),
  );

  const left = await unsettled(db, shop.merchantId);
  const { rows: nonFinal } = await db.query<{ id: string; status: string; method: string }>(
    `select id, status, method from payment_intent where merchant_id = $1 and status = any($2)
     union all select p.id, 'operation ' || o.kind || ' ' || o.status, p.method from payment_operation o
       join payment_intent p on p.id = o.payment_id where p.merchant_id = $1 and o.status in ('started', 'pending', 'unknown')`,
    [shop.merchantId, NON_FINAL_PAYMENT],
  );
  check(INVARIANTS.nothingNonFinal, [
    ...nonFinal.map((p) => `payment ${p.id} (${p.method}): ${p.status}`),
    ...((left.keys ?? 0) > 0 ? [`${left.keys} idempotency keys still in flight`] : []),
  ]);
  const stranded = payments.filter((p) => p.capture_method === 'automatic' && p.status === 'authorized');
  check(
    INVARIANTS.noStrandedCapture,
    stranded.map(
      (p) =>
        `payment ${p.id} (${p.method}, key ${p.client_key}) authorized ${p.authorized_amount}, never captured`,
    ),
  );
  const issuerLies = payments.filter(
    (p) => p.method === 'sandbox-card' && p.status === 'declined' && p.decline_reason === 'do_not_honor',
  );
  check(
    INVARIANTS.noFakeIssuerDecline,
    issuerLies.map((p) => `payment ${p.id} declined do_not_honor, yet its card approves every authorization`),
  );

  const late = lateAnswers(keys, byKey, input.readyTimes);
  check(INVARIANTS.answeredAfterSettling, late.failures);

  checks.push(...(await eventChecks(input)));

  return {
    checks,
    figures: {
      keys: keys.length,
      acknowledged: acknowledged.length,
      payments: payments.length,
      lost: lost.length,
      duplicated: duplicated.reduce((n, [, rows]) => n + rows.length - 1, 0),
      unanswered: unanswered.length,
      retriedKeys: late.retried,
      slowestAnswerAfterSettlingSeconds: Math.round(late.slowest * 10) / 10,
      strandedAuthorized: stranded.length,
      eventsDelivered: input.subscriber.events.size,
      webhooksReceived: input.webhooks.received.size,
    },
  };
}

function lateAnswers(
  keys: readonly KeyRecord[],
  byKey: Map<string, PaymentRow[]>,
  readyTimes: readonly number[],
) {
  const failures: string[] = [];
  let retried = 0;
  let slowest = 0;
  const now = Date.now();
  for (const k of keys) {
    if (k.interruptedAt === undefined) continue;
    const payment = byKey.get(k.key)?.[0];
    if (!payment) continue;
    retried++;
    const settledAt = payment.updated_at.getTime();
    const answeredAt = k.ack?.at ?? now;
    const servingSince = Math.max(...readyTimes.filter((t) => t <= answeredAt), 0);
    const waited = (answeredAt - Math.max(settledAt, servingSince)) / 1000;
    slowest = Math.max(slowest, waited);
    if (waited > ANSWER_AFTER_SETTLING_SECONDS) {
      failures.push(
        `key ${k.key} (${k.kind}): ${k.ack ? 'answered' : 'still unanswered'} ${waited.toFixed(1)}s after its payment became ${payment.status}`,
      );
    }
  }
  return { failures: first(failures), retried, slowest };
}

async function moneyChecks(db: pg.Client, shop: Shop, payments: PaymentRow[]): Promise<Check[]> {
  const { rows: balances } = await db.query<{
    id: string;
    kind: string;
    net: string;
    pending_debits: string;
  }>(
    `select a.id, a.kind, sum(b.credits_posted - b.debits_posted)::text as net, sum(b.debits_pending)::text as pending_debits
     from ledger_account a join ledger_balance b on b.account_id = a.id
     where a.id = any($1) or (a.kind = 'merchant_payable' and a.merchant_id = $2)
     group by a.id, a.kind`,
    [shop.wallets.map((w) => w.walletId), shop.merchantId],
  );
  const failures: string[] = [];
  let walletsTotal = 0n;
  for (const { walletId } of shop.wallets) {
    const balance = balances.find((b) => b.id === walletId);
    const mine = payments.filter((p) => p.method === 'wallet' && p.source_id === walletId);
    const spent = mine.reduce((n, p) => n + big(p.captured_amount) - big(p.refunded_amount), 0n);
    const held = mine
      .filter((p) => ['authorized', 'partially_captured'].includes(p.status))
      .reduce((n, p) => n + big(p.authorized_amount) - big(p.captured_amount), 0n);
    const net = big(balance?.net);
    walletsTotal += net;
    if (net !== shop.funding - spent) {
      failures.push(
        `wallet ${walletId}: balance ${net}, but funded ${shop.funding} and its payments captured ${spent}`,
      );
    }
    if (big(balance?.pending_debits) !== held) {
      failures.push(
        `wallet ${walletId}: ${balance?.pending_debits} held, its authorized payments hold ${held}`,
      );
    }
  }
  const merchantNet = balances
    .filter((b) => b.kind === 'merchant_payable')
    .reduce((n, b) => n + big(b.net), 0n);
  const captured = payments.reduce((n, p) => n + big(p.captured_amount) - big(p.refunded_amount), 0n);
  if (merchantNet !== captured) {
    failures.push(`merchant payable ${merchantNet}, but its payments captured ${captured}`);
  }
  const cardCaptured = payments
    .filter((p) => p.method === 'sandbox-card')
    .reduce((n, p) => n + big(p.captured_amount), 0n);
  const funded = shop.funding * BigInt(shop.wallets.length);
  if (walletsTotal + merchantNet !== funded + cardCaptured) {
    failures.push(
      `wallets ${walletsTotal} + merchant ${merchantNet} != funded ${funded} + captured from cards ${cardCaptured}`,
    );
  }
  const network = await networkChecks(db, shop, payments);
  return [
    { name: INVARIANTS.moneyConserved, failures: first(failures) },
    { name: INVARIANTS.networkMatches, failures: first(network) },
  ];
}

/** The sandbox card network is the outside world: what it captured and still holds must match. */
async function networkChecks(db: pg.Client, shop: Shop, payments: PaymentRow[]): Promise<string[]> {
  const { rows } = await db.query<{
    operation_key: string;
    status: string;
    amount: string;
    captured: string;
  }>(
    `select a.operation_key, a.status, a.amount::text, a.captured::text from sandbox_card_authorization a
     where a.merchant_id = $1 and a.token_id = any($2)`,
    [shop.merchantId, [shop.cards.approve, shop.cards.slow]],
  );
  const cards = payments.filter((p) => p.method === 'sandbox-card');
  const gatewayCaptured = cards.reduce((n, p) => n + big(p.captured_amount), 0n);
  const networkCaptured = rows.reduce((n, r) => n + big(r.captured), 0n);
  const gatewayHeld = cards
    .filter((p) => ['authorized', 'partially_captured'].includes(p.status))
    .reduce((n, p) => n + big(p.authorized_amount) - big(p.captured_amount), 0n);
  const networkHeld = rows
    .filter((r) => r.status === 'authorized')
    .reduce((n, r) => n + big(r.amount) - big(r.captured), 0n);
  // Top-ups used the approving card too: count them on the gateway side.
  const topUps = shop.funding * BigInt(shop.wallets.length);
  const failures: string[] = [];
  if (networkCaptured !== gatewayCaptured + topUps) {
    failures.push(
      `the network captured ${networkCaptured}, the gateway ${gatewayCaptured + topUps} (top-ups included)`,
    );
  }
  if (networkHeld !== gatewayHeld) {
    failures.push(
      `the network still holds ${networkHeld} on the cards, the gateway's open authorizations ${gatewayHeld}`,
    );
  }
  return failures;
}

/** The subscriber (resuming from its cursor) and the webhook receiver got every payment event once. */
async function eventChecks(input: ReconcileInput): Promise<Check[]> {
  const { rows } = await input.db.query<{ id: string; type: string }>(
    `select id, type from gateway_event where merchant_id = $1 and type like 'payment.%' and position is not null`,
    [input.shop.merchantId],
  );
  const missed = rows.filter((e) => !input.subscriber.events.has(e.id));
  const notDelivered = rows.filter((e) => !input.webhooks.received.has(e.id));
  const { rows: failedDeliveries } = await input.db.query<{ state: string; n: string }>(
    `select state, count(*)::text as n from webhook_delivery where state <> 'delivered' group by state`,
  );
  return [
    {
      name: INVARIANTS.subscriptionComplete,
      failures: first([
        ...missed.map((e) => `event ${e.id} (${e.type}) never reached the subscriber`),
        ...(input.subscriber.duplicates > 0 ? [`${input.subscriber.duplicates} events delivered twice`] : []),
      ]),
    },
    {
      name: INVARIANTS.webhooksComplete,
      failures: first([
        ...notDelivered.map((e) => `event ${e.id} (${e.type}) was never received by the webhook endpoint`),
        ...failedDeliveries.map((d) => `${d.n} deliveries ${d.state}`),
      ]),
    },
  ];
}
