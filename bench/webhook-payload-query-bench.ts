import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestGateway } from '../core/testing/create-test-gateway.ts';
import { eventsPlugin } from '../plugins/events/index.ts';
import { paymentsPlugin } from '../plugins/payments/index.ts';
import { walletPlugin } from '../plugins/wallet/index.ts';
import { benchFundingPlugin } from './bench-funding.plugin.ts';
import { fundedWallet } from './setup-helpers.ts';

/**
 * `npm run bench:webhooks`: what a payload query costs the webhook dispatcher. One gateway in
 * this process (PGlite, or a fresh database at DATABASE_URL) with BENCH_EVENTS stored
 * `payment.captured` events; for each endpoint kind in turn, `replayWebhookEvents` schedules every
 * event at once and the time until a local receiver has them all is measured, with this process's
 * CPU time (gateway and receiver; PGlite's work too when it is the database). Kinds: the default
 * body; a payload query over the event's own fields; one that also reads the payment (a database
 * read per delivery). Each kind runs BENCH_ROUNDS times, in rotating order; medians are printed.
 * No assertion: figures for BENCHMARKS.md.
 */
const events = Number(process.env.BENCH_EVENTS ?? 500);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const KINDS: Record<string, string | null> = {
  default: null,
  'event fields': 'subscription { paymentEvents(types: ["payment.captured"]) { id type cursor payload } }',
  'with payment':
    'subscription { paymentEvents(types: ["payment.captured"]) { id type payment { id status amount { amount currency } metadata { key value } } } }',
};

let received = 0;
let onReceived = () => {};
const receiver = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    received++;
    onReceived();
    res.writeHead(200).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

const t = await createTestGateway({
  plugins: [
    paymentsPlugin.with({ janitor: { intervalSeconds: 0 } }),
    walletPlugin,
    benchFundingPlugin,
    eventsPlugin.with({ webhooks: { allowInsecureUrls: true, pollIntervalMs: 50 } }),
  ],
});
try {
  const { key, client } = await t.createMerchant('Bench shop');
  const wallet = await fundedWallet(t.url, key, 'bench-customer');
  for (let i = 0; i < events; i++) {
    await client.data('mutation($i: CreatePaymentInput!) { createPayment(input: $i) { __typename } }', {
      i: {
        customerId: wallet.customerId,
        method: 'wallet',
        sourceId: wallet.walletId,
        amount: { amount: '10', currency: 'KRW' },
        metadata: [{ key: 'n', value: String(i) }],
      },
    });
  }
  const endpoints: Record<string, string> = {};
  for (const [kind, payloadQuery] of Object.entries(KINDS)) {
    const { createWebhookEndpoint } = await client.data<{
      createWebhookEndpoint: { endpoint: { id: string } };
    }>(
      `mutation($i: CreateWebhookEndpointInput!) {
        createWebhookEndpoint(input: $i) { ... on WebhookEndpointWithSecret { endpoint { id } } }
      }`,
      { i: { url, eventTypes: ['payment.captured'], payloadQuery } },
    );
    endpoints[kind] = createWebhookEndpoint.endpoint.id;
  }

  const samples: Record<string, { ms: number; cpuMs: number }[]> = {};
  const kinds = Object.keys(KINDS);
  for (let round = 0; round < rounds; round++) {
    for (let k = 0; k < kinds.length; k++) {
      const kind = kinds[(k + round) % kinds.length]!;
      received = 0;
      const all = new Promise<void>((resolve) => {
        onReceived = () => received >= events + 1 && resolve(); // + the wallet's top-up
      });
      const cpu = process.cpuUsage();
      const started = performance.now();
      await client.data(
        'mutation($id: ID!) { replayWebhookEvents(endpointId: $id, after: "0") { __typename } }',
        {
          id: endpoints[kind],
        },
      );
      await all;
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      samples[kind] = [...(samples[kind] ?? []), { ms, cpuMs: (used.user + used.system) / 1000 }];
    }
  }
  const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  process.stdout.write(
    `${events + 1} deliveries per run, ${rounds} runs each, database: ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}\n`,
  );
  for (const kind of kinds) {
    const ms = median(samples[kind]!.map((s) => s.ms));
    const cpuMs = median(samples[kind]!.map((s) => s.cpuMs));
    const per = (value: number) => ((value / (events + 1)) * 1000).toFixed(0);
    process.stdout.write(
      `${kind.padEnd(13)} ${((events + 1) / (ms / 1000)).toFixed(0).padStart(6)} deliveries/s  ${per(ms).padStart(6)} µs wall  ${per(cpuMs).padStart(6)} µs CPU per delivery\n`,
    );
  }
} finally {
  await t.close();
  receiver.close();
}
