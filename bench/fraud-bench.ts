import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon, { type Result } from 'autocannon';
import { generate } from 'otplib';
import pg from 'pg';
import { runBench, withBenchGateway } from './bench-gateway.ts';
import { CpuMeter, type CpuUse, postmasterPid } from './cpu-meter.ts';
import { fundedWallet, graphql, inParallel, merchantWithKey } from './setup-helpers.ts';

/**
 * `npm run bench:fraud`: what the fraud plugin adds to a payment, measured in one run as the
 * difference between two merchants of one gateway (every plugin of yoga.config.ts), one with the
 * plugin off and one with it on, each paying from its own funded wallets through GraphQL over
 * HTTP, with 1,000,000 past attempts stored in `fraud_attempt` first (bulk SQL), part of them
 * the bench customers' own, so the velocity windows read a table and indexes of that size.
 * Merges `fraud_overhead_p99_ms` (and the rest under `fraud_bench`) into bench/results/latest.json.
 *
 * The merchant with the plugin on sells `digital_content`: every built-in rule is evaluated and
 * none holds a 10 KRW payment (a gift-card category would send the same amount to review after
 * four). Each customer pays from its own device and IP, passed as its merchant's server would.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; a fresh database
 * is created on that server and dropped), BENCH_SECONDS (10 per phase), BENCH_CONNECTIONS (50),
 * BENCH_WALLETS (500 per merchant), BENCH_FRAUD_ATTEMPTS (1000000 stored past attempts).
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50);
const walletCount = Number(process.env.BENCH_WALLETS ?? 500);
const pastAttempts = Number(process.env.BENCH_FRAUD_ATTEMPTS ?? 1_000_000);

const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { __typename ... on Payment { id status } ... on Error { code } }
}`;

interface Wallet {
  customerId: string;
  walletId: string;
  n: number;
}

function payments(url: string, key: string, wallets: Wallet[], duration: number): Promise<Result> {
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => {
          const { customerId, walletId, n } = wallets[Math.floor(Math.random() * wallets.length)]!;
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              authorization: `Bearer ${key}`,
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
                  risk: { deviceId: `bench-device-${n}`, ip: `10.${(n >> 8) & 255}.${n & 255}.7` },
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

/** The operator proves a TOTP factor: switching a plugin on for a merchant needs a fresh step-up. */
async function stepUp(url: string, operatorKey: string): Promise<void> {
  const { enrollTotp } = await graphql<{ enrollTotp: { secret: string } }>(
    url,
    operatorKey,
    'mutation { enrollTotp(accountName: "bench") { ... on TotpEnrollment { secret } } }',
  );
  const code = await generate({ secret: enrollTotp.secret });
  const { confirmTotp } = await graphql<{ confirmTotp: { __typename: string } }>(
    url,
    operatorKey,
    'mutation($c: String!) { confirmTotp(code: $c) { __typename } }',
    { c: code },
  );
  if (confirmTotp.__typename !== 'TotpConfirmation')
    throw new Error(`confirmTotp: ${confirmTotp.__typename}`);
}

/**
 * Past attempts in bulk: spread over the last 30 days, one in ten by a bench customer (the
 * customer window reads them), the rest by 100,000 other customers on 80,000 devices, 50,000
 * addresses and 100,000 instruments (random keyed indexes: the bench's own device and IP
 * indexes are HMACs under this gateway's key, so only the customer key is shared with them).
 */
async function seedAttempts(sql: pg.Client, merchantId: string, customers: string[]): Promise<number> {
  const started = performance.now();
  const batch = 250_000;
  for (let from = 1; from <= pastAttempts; from += batch) {
    const to = Math.min(pastAttempts, from + batch - 1);
    await sql.query(
      `insert into fraud_attempt (id, payment_id, merchant_id, customer_id, method, amount, currency, category,
         cash_equivalent, device_index, ip_index, instrument_index, recipient_index, decision, score, reasons,
         matched_rules, features, created_at, decided_at)
       select gen_random_uuid(), gen_random_uuid(), $1::uuid,
         case when i % 10 = 0 then ($2::uuid[])[1 + (i / 10) % cardinality($2::uuid[])]
              else md5('customer' || (i % 100000))::uuid end,
         'wallet', 10 + (i % 50) * 100, 'KRW', 'digital_content', false,
         md5('device' || (i % 80000)) || md5('d' || (i % 80000)),
         md5('ip' || (i % 50000)) || md5('i' || (i % 50000)),
         md5('instrument' || (i % 100000)) || md5('n' || (i % 100000)),
         null, 'allow', 0, '[]'::jsonb, '[]'::jsonb, null, t, t
       from generate_series($3::int, $4::int) i,
         lateral (select now() - ((i::bigint * 7919) % (30 * 86400)) * interval '1 second' as t) ts`,
      [merchantId, customers, from, to],
    );
  }
  // What autovacuum does to a table after a bulk of inserts: statistics, and the visibility map
  // that lets the windows' scans stay in the keys' indexes (migration 0003).
  await sql.query('vacuum (analyze) fraud_attempt');
  return (performance.now() - started) / 1000;
}

async function main(): Promise<number> {
  return withBenchGateway(serverUrl, async ({ url, operatorKey, databaseUrl, pid }) => {
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();

    process.stderr.write(`setting up two merchants with ${walletCount} funded wallets each...\n`);
    const off = await merchantWithKey(url, operatorKey, 'Bench shop, fraud off');
    const on = await merchantWithKey(url, operatorKey, 'Bench shop, fraud on');
    const walletsOf = (key: string, prefix: string) =>
      inParallel(
        walletCount,
        20,
        async (n): Promise<Wallet> => ({
          ...(await fundedWallet(url, key, `${prefix}-${n}`)),
          n,
        }),
      );
    const offWallets = await walletsOf(off.key, 'off');
    const onWallets = await walletsOf(on.key, 'on');

    await stepUp(url, operatorKey);
    const { setMerchantCategory } = await graphql<{ setMerchantCategory: { __typename: string } }>(
      url,
      operatorKey,
      'mutation($m: ID!) { setMerchantCategory(merchantId: $m, category: digital_content) { __typename } }',
      { m: on.merchantId },
    );
    const { setPluginEnabled } = await graphql<{
      setPluginEnabled: { __typename: string; enabled?: boolean };
    }>(
      url,
      operatorKey,
      `mutation($m: ID!) { setPluginEnabled(merchantId: $m, plugin: "fraud", enabled: true, reason: "bench")
        { __typename ... on PluginSwitch { enabled } } }`,
      { m: on.merchantId },
    );
    if (setMerchantCategory.__typename !== 'Merchant' || !setPluginEnabled.enabled) {
      throw new Error(`enabling fraud: ${JSON.stringify({ setMerchantCategory, setPluginEnabled })}`);
    }

    process.stderr.write(`storing ${pastAttempts} past attempts...\n`);
    const seedSeconds = await seedAttempts(
      sql,
      on.merchantId,
      onWallets.map((w) => w.customerId),
    );
    const stored = Number((await sql.query('select count(*) from fraud_attempt')).rows[0].count);

    process.stderr.write('warming up...\n');
    await payments(url, off.key, offWallets, 3);
    await payments(url, on.key, onWallets, 3);
    process.stderr.write(`hello (${seconds}s)...\n`);
    const helloResult = await hello(url);
    // CPU per payment by side: the gateway process's own, and the whole PostgreSQL server's
    // (other databases' work on a shared server falls in it too).
    const postmaster = postmasterPid(
      (await sql.query('select pg_backend_pid() as pid')).rows[0].pid as number,
    );
    const cpu = postmaster ? new CpuMeter(pid, postmaster) : undefined;
    const cpuUse: { off: CpuUse[]; on: CpuUse[] } = { off: [], on: [] };
    const measured = async (side: 'off' | 'on', run: () => Promise<Result>) => {
      const start = cpu?.snapshot();
      const result = await run();
      if (cpu && start) cpuUse[side].push(cpu.since(start, result.requests.total));
      return result;
    };
    // Off, on, off, on: a busy machine's drift falls on both sides.
    const runs: { off: Result[]; on: Result[] } = { off: [], on: [] };
    const startedAt = new Date();
    for (let round = 0; round < 2; round++) {
      process.stderr.write(`payments, fraud off (${seconds / 2}s)...\n`);
      runs.off.push(await measured('off', () => payments(url, off.key, offWallets, seconds / 2)));
      process.stderr.write(`payments, fraud on (${seconds / 2}s)...\n`);
      runs.on.push(await measured('on', () => payments(url, on.key, onWallets, seconds / 2)));
    }
    const decisions = (
      await sql.query(
        `select decision, count(*)::int as n from fraud_attempt where merchant_id = $1 and created_at >= $2 group by decision`,
        [on.merchantId, startedAt],
      )
    ).rows as { decision: string; n: number }[];
    await sql.end();

    /** Of two runs: the mean of their rates, and the worse of their percentiles. */
    const summary = (results: Result[]) => ({
      payments_per_s: Math.round(results.reduce((s, r) => s + r.requests.average, 0) / results.length),
      p50_ms: Math.max(...results.map((r) => r.latency.p50)),
      p99_ms: Math.max(...results.map((r) => r.latency.p99)),
      errors: results.reduce((s, r) => s + r.errors + r.non2xx + r.timeouts, 0),
    });
    /** The mean over a side's runs of the CPU milliseconds per payment. */
    const cpuOf = (uses: CpuUse[]) => {
      const mean = (pick: (u: CpuUse) => number) =>
        Math.round((uses.reduce((s, u) => s + pick(u), 0) / Math.max(1, uses.length)) * 100) / 100;
      return {
        gateway_cpu_ms: mean((u) => u.gateway_ms),
        database_cpu_ms: mean((u) => u.database_ms),
        machine_busy: mean((u) => u.machine_busy),
      };
    };
    const offSummary = { ...summary(runs.off), ...cpuOf(cpuUse.off) };
    const onSummary = { ...summary(runs.on), ...cpuOf(cpuUse.on) };
    const fraudBench = {
      command: 'npm run bench:fraud',
      at: new Date().toISOString(),
      connections,
      seconds_per_phase: seconds,
      wallets_per_merchant: walletCount,
      fraud_attempts_stored: stored,
      seed_seconds: Math.round(seedSeconds),
      hello_rps: Math.round(helloResult.requests.average),
      off: offSummary,
      on: onSummary,
      on_vs_hello: Math.round((onSummary.payments_per_s / helloResult.requests.average) * 1000) / 1000,
      decisions_during_run: Object.fromEntries(decisions.map((d) => [d.decision, d.n])),
    };
    const overheadP99 = onSummary.p99_ms - offSummary.p99_ms;
    const overheadP50 = onSummary.p50_ms - offSummary.p50_ms;

    mkdirSync('bench/results', { recursive: true });
    const file = 'bench/results/latest.json';
    const others = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : {};
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          ...others,
          fraud_overhead_p99_ms: overheadP99,
          fraud_overhead_p50_ms: overheadP50,
          fraud_bench: fraudBench,
        },
        null,
        2,
      )}\n`,
    );
    const rows: [string, string][] = [
      ['past attempts stored (fraud_attempt)', `${stored} (seeded in ${fraudBench.seed_seconds} s)`],
      ['payments/s, fraud off / on', `${offSummary.payments_per_s} / ${onSummary.payments_per_s}`],
      ['p50 latency (ms), off / on', `${offSummary.p50_ms} / ${onSummary.p50_ms}`],
      ['p99 latency (ms), off / on', `${offSummary.p99_ms} / ${onSummary.p99_ms}`],
      ['fraud overhead p99 (ms) (target <= 2)', String(overheadP99)],
      ['CPU ms per payment, gateway off / on', `${offSummary.gateway_cpu_ms} / ${onSummary.gateway_cpu_ms}`],
      [
        'CPU ms per payment, PostgreSQL off / on',
        `${offSummary.database_cpu_ms} / ${onSummary.database_cpu_ms} (whole server)`,
      ],
      ['machine busy, off / on', `${offSummary.machine_busy} / ${onSummary.machine_busy}`],
      ['load average (1 min) at the end', String(loadavg()[0])],
      ['hello rps', String(fraudBench.hello_rps)],
      ['payments with fraud on / hello (target >= 0.4)', String(fraudBench.on_vs_hello)],
      ['decisions during the run', JSON.stringify(fraudBench.decisions_during_run)],
      ['errors, off / on', `${offSummary.errors} / ${onSummary.errors}`],
    ];
    const width = Math.max(...rows.map(([k]) => k.length));
    process.stdout.write(
      `\n${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n')}\n\nmerged into bench/results/latest.json\n`,
    );
    return 0;
  });
}

runBench(main);
