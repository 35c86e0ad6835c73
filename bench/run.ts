import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import autocannon, { type Result } from 'autocannon';
import pg from 'pg';
import { runBench, withBenchGateway } from './bench-gateway.ts';
import { CpuMeter, type CpuUse, postmasterPid } from './cpu-meter.ts';
import { fundedWallet, graphql, inParallel, merchantWithKey } from './setup-helpers.ts';

/**
 * `npm run bench`: wallet micropayments (authorize + capture in one call) through GraphQL over
 * HTTP against PostgreSQL, and, in the same run, the two baselines: a trivial Yoga query on the
 * same server, and the payment's own SQL sent straight through `pg`. PostgreSQL keeps its
 * default durability. Writes bench/results/latest.json and prints a table.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a fresh database
 * is created on that server and dropped), BENCH_SECONDS (10), BENCH_CONNECTIONS (50),
 * BENCH_WALLETS (1000), BENCH_POOL_SIZE (20, the gateway's connection pool), BENCH_GATEWAY_NODE_ARGS
 * (extra node flags for the gateway process, e.g. `--cpu-prof`), BENCH_FEE_BASIS_POINTS (unset: no
 * fee; else the bench merchant's wallet pricing, e.g. 150 for 1.5 %, which the batch computes in its SQL).
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const walletCount = Number(process.env.BENCH_WALLETS ?? 1000);
const feeBasisPoints = process.env.BENCH_FEE_BASIS_POINTS;

/** The batched baseline: about what the gateway's two wallet batches in flight carry. */
const RAW_BATCH = 10;
const RAW_BATCH_CLIENTS = 2;

const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { __typename ... on Payment { id status } ... on Error { code } }
}`;

interface Wallet {
  customerId: string;
  walletId: string;
}

async function setUp(url: string, operatorKey: string) {
  const { key, merchantId } = await merchantWithKey(url, operatorKey, 'Bench shop');
  if (feeBasisPoints !== undefined) {
    const { setFeePricing } = await graphql<{ setFeePricing: { __typename: string } }>(
      url,
      operatorKey,
      `mutation($input: SetFeePricingInput!) { setFeePricing(input: $input) { __typename } }`,
      {
        input: {
          merchantId,
          method: 'wallet',
          fixed: { amount: '0', currency: 'KRW' },
          basisPoints: Number(feeBasisPoints),
          onRefund: 'return',
          reason: 'bench',
        },
      },
    );
    if (setFeePricing.__typename !== 'FeePricing')
      throw new Error(`setFeePricing: ${setFeePricing.__typename}`);
  }
  const wallets = await inParallel(
    walletCount,
    20,
    (i): Promise<Wallet> => fundedWallet(url, key, `bench-${i}`),
  );
  return { merchantKey: key, wallets };
}

function pick(wallets: Wallet[]): Wallet {
  return wallets[Math.floor(Math.random() * wallets.length)]!;
}

function payments(url: string, merchantKey: string, wallets: Wallet[], duration: number): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { customerId, walletId } = pick(wallets);
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${merchantKey}`,
              'idempotency-key': randomUUID(),
            },
            body: JSON.stringify({
              query: PAY,
              variables: {
                input: {
                  customerId,
                  method: 'wallet',
                  sourceId: walletId,
                  amount: { amount: '10', currency: 'KRW' },
                },
              },
            }),
          };
        },
      },
    ],
  });
}

function hello(url: string): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ __typename }' }),
  });
}

function rawItem(merchantId: string, wallets: Wallet[], n: number) {
  const { customerId, walletId } = pick(wallets);
  return {
    n,
    merchant: merchantId,
    customer: customerId,
    method: 'wallet',
    accountKind: 'wallet',
    source: walletId,
    amount: '10',
    currency: 'KRW',
    description: null,
    metadata: [],
    idemScope: `merchant:${merchantId}`,
    idemKey: randomUUID(),
    idemOperation: 'createPayment',
    idemHash: randomUUID().replaceAll('-', ''),
  };
}
/**
 * The payment statement sent straight through `pg`: `clients` connections in a loop, each
 * statement carrying `perStatement` payments. Counts payments, not statements.
 */
async function rawSql(
  databaseUrl: string,
  merchantId: string,
  wallets: Wallet[],
  clients: number,
  perStatement: number,
) {
  const connected = await Promise.all(
    Array.from({ length: clients }, async () => {
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      return client;
    }),
  );
  const latencies: number[] = [];
  const until = Date.now() + seconds * 1000;
  await Promise.all(
    connected.map(async (client) => {
      while (Date.now() < until) {
        const items = Array.from({ length: perStatement }, (_, n) => rawItem(merchantId, wallets, n));
        const started = performance.now();
        await client.query('select * from payments_pay_from_accounts($1::jsonb, 86400, 64::smallint)', [
          JSON.stringify(items),
        ]);
        latencies.push(performance.now() - started);
      }
    }),
  );
  await Promise.all(connected.map((c) => c.end()));
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const count = latencies.length * perStatement;
  return { count, tps: count / seconds, p50: at(0.5), p99: at(0.99) };
}

async function main(): Promise<number> {
  return withBenchGateway(serverUrl, async ({ url, operatorKey, databaseUrl, pid }) => {
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    const durability: Record<string, string> = {};
    for (const name of ['fsync', 'synchronous_commit', 'full_page_writes']) {
      durability[name] = (await sql.query(`show ${name}`)).rows[0][name] as string;
    }
    process.stderr.write(`setting up ${walletCount} funded wallets...\n`);
    const { merchantKey, wallets } = await setUp(url, operatorKey);
    const merchantId = (await sql.query('select id from merchant limit 1')).rows[0].id as string;

    const postmaster = postmasterPid(
      (await sql.query('select pg_backend_pid() as pid')).rows[0].pid as number,
    );
    const cpu = postmaster ? new CpuMeter(pid, postmaster) : undefined;
    const cpuUse: Record<string, CpuUse> = {};
    const measured = async <T>(phase: string, run: () => Promise<T>, count: (result: T) => number) => {
      const start = cpu?.snapshot();
      const result = await run();
      if (cpu && start) cpuUse[phase] = cpu.since(start, count(result));
      return result;
    };

    process.stderr.write('warming up...\n');
    await payments(url, merchantKey, wallets, 3);
    process.stderr.write(`hello (${seconds}s)...\n`);
    const helloResult = await measured(
      'hello',
      () => hello(url),
      (r) => r.requests.total,
    );
    process.stderr.write(`raw SQL (${seconds}s)...\n`);
    const raw = await measured(
      'raw_sql',
      () => rawSql(databaseUrl, merchantId, wallets, connections, 1),
      (r) => r.count,
    );
    process.stderr.write(`raw SQL in batches of ${RAW_BATCH} (${seconds}s)...\n`);
    const rawBatched = await measured(
      'raw_sql_batched',
      () => rawSql(databaseUrl, merchantId, wallets, RAW_BATCH_CLIENTS, RAW_BATCH),
      (r) => r.count,
    );
    const before = Number((await sql.query('select count(*) from payment_intent')).rows[0].count);
    const startedAt = new Date();
    process.stderr.write(`payments (${seconds}s)...\n`);
    const paid = await measured(
      'payments',
      () => payments(url, merchantKey, wallets, seconds),
      (r) => r.requests.total,
    );
    const after = Number((await sql.query('select count(*) from payment_intent')).rows[0].count);
    // Payments that shared a transaction share its xmin: the mean size of the wallet batches.
    const perCommit = Number(
      (
        await sql.query(
          'select count(*)::float / greatest(count(distinct xmin::text), 1) as n from payment_intent where created_at >= $1',
          [startedAt],
        )
      ).rows[0].n,
    );
    const { verifyLedger } = await graphql<{ verifyLedger: { ok: boolean; problems: unknown[] } }>(
      url,
      operatorKey,
      '{ verifyLedger { ok problems { check detail } } }',
    );
    await sql.end();

    const result = {
      command: 'npm run bench',
      at: new Date().toISOString(),
      feeBasisPoints: feeBasisPoints === undefined ? null : Number(feeBasisPoints),
      connections,
      seconds,
      wallets: walletCount,
      durability,
      payments_per_s: Math.round(paid.requests.average),
      p50_ms: paid.latency.p50,
      p99_ms: paid.latency.p99,
      payments_recorded: after - before,
      payments_per_commit: Math.round(perCommit * 10) / 10,
      payments_answered_2xx: paid['2xx'],
      payment_errors: paid.errors + paid.non2xx + paid.timeouts,
      hello_rps: Math.round(helloResult.requests.average),
      hello_p99_ms: helloResult.latency.p99,
      raw_sql_tps: Math.round(raw.tps),
      raw_sql_p99_ms: Math.round(raw.p99 * 100) / 100,
      raw_sql_batched_payments_per_s: Math.round(rawBatched.tps),
      payments_vs_hello: Math.round((paid.requests.average / helloResult.requests.average) * 1000) / 1000,
      payments_vs_raw_sql: Math.round((paid.requests.average / raw.tps) * 1000) / 1000,
      ledger_ok: verifyLedger.ok,
      cpu_ms_per_request: cpuUse,
    };
    mkdirSync('bench/results', { recursive: true });
    // Other benchmarks (events) merge their own keys into the same file: keep theirs.
    const file = 'bench/results/latest.json';
    const others = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : {};
    writeFileSync(file, `${JSON.stringify({ ...others, ...result }, null, 2)}\n`);
    const rows: [string, string][] = [
      ['payments/s (GraphQL, wallet, authorize+capture)', String(result.payments_per_s)],
      ['  p50 / p99 latency (ms)', `${result.p50_ms} / ${result.p99_ms}`],
      ['hello rps (same server, { __typename })', String(result.hello_rps)],
      ['raw SQL tps (same statement via pg, one payment each)', String(result.raw_sql_tps)],
      [
        `raw SQL payments/s (${RAW_BATCH_CLIENTS} clients, ${RAW_BATCH} per statement)`,
        String(result.raw_sql_batched_payments_per_s),
      ],
      ['payments / hello (target >= 0.4)', String(result.payments_vs_hello)],
      ['payments / raw SQL', String(result.payments_vs_raw_sql)],
      ['payments recorded / answered', `${result.payments_recorded} / ${result.payments_answered_2xx}`],
      ['payments per commit (wallet batches)', String(result.payments_per_commit)],
      ['errors', String(result.payment_errors)],
      ['ledger verified', String(result.ledger_ok)],
      ['durability', `fsync=${durability.fsync} synchronous_commit=${durability.synchronous_commit}`],
      ...Object.entries(cpuUse).map(([phase, use]): [string, string] => [
        `CPU ms per request, ${phase} (gateway / db / client, busy)`,
        `${use.gateway_ms} / ${use.database_ms} / ${use.load_generator_ms}, ${Math.round(use.machine_busy * 100)} %`,
      ]),
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      `\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\nwrote bench/results/latest.json\n`,
    );
    return result.ledger_ok ? 0 : 1;
  });
}

runBench(main);
