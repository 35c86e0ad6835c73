import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { runBench, withBenchGateway } from './bench-gateway.ts';
import { fundedWallet, graphql, merchantWithKey } from './setup-helpers.ts';

/**
 * `npm run bench:export` (issue 12 target: <= 10 s and <= 256 MB peak RSS of the gateway).
 * The gateway in its own process (bench/gateway-server.ts, every plugin of yoga.config.ts) on
 * a fresh PostgreSQL database (DATABASE_URL's server); one customer with a funded wallet and one
 * real payment through GraphQL, then BENCH_PAYMENTS - 1 (100,000 in all) copies of that payment
 * and of its operations inserted by SQL, spread back in time (seedCopies). The export reads them
 * through the payments plugin's own sections (payments.privacy.ts), as for any subject. Then an access export of the customer
 * through the gateway: started, built, and every file downloaded (gzip, as a browser takes it).
 * `export_100k_s` is that whole time; `export_100k_peak_rss_mb` the gateway's VmHWM (peak RSS
 * over its life, boot included). Merged into bench/results/latest.json.
 */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const paymentCount = Number(process.env.BENCH_PAYMENTS ?? 100_000);

const PAY = `mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { __typename ... on Payment { id status } ... on Error { code } }
}`;

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
  return Math.round((kb / 1024) * 10) / 10;
}

/** user + system CPU time of a process so far, in seconds (USER_HZ 100): the figure a busy machine distorts least. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Copies of one real payment and its operations, every column as the payments plugin wrote it
 * (the column lists are read from the catalog, so a column added later is copied too): only
 * ids, amounts, times and the description differ, and the hold is left released.
 */
async function seedCopies(sql: pg.Client, templateId: string, copies: number): Promise<void> {
  const columnsOf = async (table: string) =>
    (
      await sql.query<{ name: string }>(
        `select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = $1 order by ordinal_position`,
        [table],
      )
    ).rows.map((r) => r.name);
  const back = (column: string) => `${column} - make_interval(secs => s.g * 30)`;
  const copy = (table: string, columns: string[], override: Record<string, string>) =>
    `insert into ${table} (${columns.join(', ')}) select ${columns
      .map((c) => override[c] ?? `t.${c}`)
      .join(', ')} from ${table} t, bench_seed s`;
  await sql.query(
    'create temp table bench_seed as select gen_random_uuid() as id, g from generate_series(1, $1::int) g',
    [copies],
  );
  const cents = (column: string) =>
    `case when t.${column} > 0 then t.${column} + s.g % 1000 else t.${column} end`;
  await sql.query(
    `${copy('payment_intent', await columnsOf('payment_intent'), {
      id: 's.id',
      amount: 't.amount + s.g % 1000',
      authorized_amount: cents('authorized_amount'),
      captured_amount: cents('captured_amount'),
      hold_id: 'null',
      description: `'bench purchase ' || s.g`,
      created_at: back('t.created_at'),
      updated_at: back('t.updated_at'),
    })} where t.id = $1`,
    [templateId],
  );
  await sql.query(
    `${copy('payment_operation', await columnsOf('payment_operation'), {
      id: 'gen_random_uuid()',
      payment_id: 's.id',
      amount: cents('amount'),
      hold_id: 'null',
      created_at: back('t.created_at'),
      resolved_at: back('t.resolved_at'),
    })} where t.payment_id = $1`,
    [templateId],
  );
}

async function main(): Promise<number> {
  return withBenchGateway(serverUrl, async ({ url, operatorKey, databaseUrl, pid }) => {
    const origin = new URL(url).origin;
    const rssAtReady = peakRssMb(pid);
    const { merchantId, key } = await merchantWithKey(url, operatorKey, 'Export shop');
    const customerRef = 'export-bench-customer';
    const { customerId, walletId } = await fundedWallet(url, key, customerRef);
    const paid = await graphql<{ createPayment: { __typename: string; id: string } }>(url, key, PAY, {
      input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount: '10', currency: 'KRW' } },
    });
    if (paid.createPayment.__typename !== 'Payment') throw new Error('the template payment failed');

    process.stderr.write(`seeding ${paymentCount} payments...\n`);
    const sql = new pg.Client({ connectionString: databaseUrl });
    await sql.connect();
    const seedStarted = performance.now();
    await seedCopies(sql, paid.createPayment.id, paymentCount - 1);
    await sql.query('analyze payment_intent; analyze payment_operation');
    const seeded = (
      await sql.query(
        'select count(*)::int as n from payment_intent where customer_id = $1 and purpose <> $2',
        [customerId, 'top_up'],
      )
    ).rows[0].n as number;
    process.stderr.write(`seeded ${seeded} payments in ${Math.round(performance.now() - seedStarted)} ms\n`);
    await sql.end();
    const rssBefore = peakRssMb(pid);

    process.stderr.write('exporting...\n');
    const started = performance.now();
    const cpuBefore = cpuSeconds(pid);
    const { benchCreateExport: id } = await graphql<{ benchCreateExport: string }>(
      url,
      operatorKey,
      'mutation($m: ID!, $r: String!) { benchCreateExport(merchantId: $m, customerRef: $r, kind: "access") }',
      { m: merchantId, r: customerRef },
    );
    type Export = { status: string; files: { name: string; url: string; bytes: number }[] };
    let exported: Export;
    for (;;) {
      const { dataExport } = await graphql<{ dataExport: Export & { __typename: string } }>(
        url,
        operatorKey,
        'query($id: ID!) { dataExport(id: $id) { __typename ... on DataExport { status files { name url bytes } } } }',
        { id },
      );
      if (dataExport.status === 'ready' || dataExport.status === 'failed') {
        exported = dataExport;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (exported.status !== 'ready') throw new Error('the export failed: see the gateway log');
    const builtSeconds = (performance.now() - started) / 1000;
    const peakBuilt = peakRssMb(pid);
    let downloaded = 0;
    // Each section of export.json ends with its count: read on the fly, keeping only a short tail.
    const counts: number[] = [];
    for (const file of exported.files) {
      const response = await fetch(new URL(file.url, origin), {
        headers: { authorization: `Bearer ${operatorKey}`, 'accept-encoding': 'gzip' },
      });
      if (response.status !== 200 || !response.body)
        throw new Error(`download of ${file.name}: ${response.status}`);
      const decoder = new TextDecoder();
      let tail = '';
      for await (const piece of response.body) {
        downloaded += piece.byteLength;
        if (file.name === 'export.json') {
          const text = tail + decoder.decode(piece, { stream: true });
          for (const m of text.matchAll(/\],"count":(\d+)\}/g)) counts.push(Number(m[1]));
          tail = text.slice(-32).replace(/^.*\],"count":\d+\}/s, '');
        }
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const peak = peakRssMb(pid);
    const cpu = Math.round((cpuSeconds(pid) - cpuBefore) * 100) / 100;
    const files = exported.files.map((f) => `${f.name} ${(f.bytes / 1e6).toFixed(1)} MB`).join(', ');
    const paymentsCount = Math.max(0, ...counts);
    const result = {
      export_100k_s: Math.round(seconds * 100) / 100,
      export_100k_build_s: Math.round(builtSeconds * 100) / 100,
      export_100k_peak_rss_mb: peak,
      export_100k_peak_rss_built_mb: peakBuilt,
      export_100k_rss_before_mb: rssBefore,
      export_100k_rss_at_ready_mb: rssAtReady,
      export_100k_gateway_cpu_s: cpu,
      export_100k_largest_section: paymentsCount,
      export_100k_download_bytes: downloaded,
    };
    mkdirSync('bench/results', { recursive: true });
    const file = 'bench/results/latest.json';
    const others = existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : {};
    writeFileSync(file, `${JSON.stringify({ ...others, ...result }, null, 2)}\n`);
    process.stdout.write(
      `\nexport of ${seeded} payments (access, every section): ${result.export_100k_s} s (built in ${result.export_100k_build_s} s; target <= 10)\n` +
        `gateway CPU time for it: ${cpu} s (load average now ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]})\n` +
        `gateway peak RSS: ${peak} MB (peak when ready: ${rssAtReady} MB, before the export: ${rssBefore} MB, once built: ${peakBuilt} MB; target <= 256)\n` +
        `files: ${files}; downloaded ${(downloaded / 1e6).toFixed(1)} MB; largest section: ${paymentsCount} records\n` +
        '\nwrote bench/results/latest.json\n',
    );
    return paymentsCount >= paymentCount && seconds <= 10 && peak <= 256 ? 0 : 1;
  });
}

runBench(main);
