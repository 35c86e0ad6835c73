import type { RequestContext } from '../core/plugin-api.ts';
import { createTestGateway } from '../core/testing/create-test-gateway.ts';
import { consentPlugin } from '../plugins/consent/index.ts';
import { eventsPlugin } from '../plugins/events/index.ts';
import { paymentsPlugin } from '../plugins/payments/index.ts';

/**
 * `npm run bench:consent`: `services.consent.allows` answered from the in-process cache, the
 * question every plugin asks before an optional use (issue 11 target: p99 <= 0.05 ms). A gateway
 * on in-memory PGlite, BENCH_SUBJECTS customers (200) each with a receipt granting `marketing`
 * and refusing `analytics`; every subject is asked once to fill the cache, then BENCH_CALLS
 * (200,000) calls, each timed on its own, over every subject and both purposes.
 */
const subjects = Number(process.env.BENCH_SUBJECTS ?? 200);
const calls = Number(process.env.BENCH_CALLS ?? 200_000);

const t = await createTestGateway({ plugins: [eventsPlugin, paymentsPlugin, consentPlugin] });
try {
  const { client: shop, merchantId, key } = await t.createMerchant();
  const { publishConsentNotice } = await shop.data<{ publishConsentNotice: { id: string } }>(
    `mutation { publishConsentNotice(input: { key: "checkout", language: "en", territories: [], title: "Data", purposes: [
      { id: "marketing", description: "offers", mandatory: false, items: ["email"], retention: "1 year", refusalConsequence: "no offers" },
      { id: "analytics", description: "stats", mandatory: false, items: ["pages"], retention: "1 year", refusalConsequence: "none" }
    ] }) { ... on ConsentNotice { id } } }`,
  );
  const refs = Array.from({ length: subjects }, (_, i) => `bench-${i}`);
  for (const ref of refs) {
    await shop.data(`mutation($input: GiveConsentInput!) { giveConsent(input: $input) { __typename } }`, {
      input: {
        customerRef: ref,
        noticeId: publishConsentNotice.id,
        collectionPoint: 'bench',
        decisions: [
          { purpose: 'marketing', granted: true },
          { purpose: 'analytics', granted: false },
        ],
      },
    });
  }
  const { consent } = t.gateway.services;
  const ctx = {
    principal: { kind: 'merchant', merchantId, keyId: key },
    em: t.gateway.database.em.fork(),
  } as unknown as RequestContext;
  const ask = (i: number) =>
    consent.allows(
      ctx,
      { merchantId, customerRef: refs[i % subjects]! },
      i % 2 === 0 ? 'marketing' : 'analytics',
    );
  for (let i = 0; i < subjects * 2; i++) await ask(i);

  const samples = new Float64Array(calls);
  let granted = 0;
  for (let i = 0; i < calls; i++) {
    const start = process.hrtime.bigint();
    if (await ask(i)) granted++;
    samples[i] = Number(process.hrtime.bigint() - start) / 1e6;
  }
  samples.sort();
  const at = (q: number) => samples[Math.min(calls - 1, Math.floor(q * calls))]!;
  if (granted !== calls / 2) throw new Error(`expected half the answers granted, got ${granted} of ${calls}`);
  process.stdout.write(
    `${JSON.stringify({
      consent_allows_calls: calls,
      consent_allows_p50_ms: Number(at(0.5).toFixed(5)),
      consent_allows_p99_ms: Number(at(0.99).toFixed(5)),
      consent_allows_max_ms: Number(samples[calls - 1]!.toFixed(5)),
      target_p99_ms: 0.05,
    })}\n`,
  );
} finally {
  await t.close();
}
