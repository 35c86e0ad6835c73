import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HttpGraphQLClient } from '../../../core/testing/graphql-clients.ts';
import { createOperatorKey, GatewayProcess, gatewayEnv } from '../../reliability/support/gateway-process.ts';

/**
 * Issue 12: "a gateway killed in the middle of an erasure and restarted leaves no half-erased
 * subject: the erasure resumes and completes", with a real process and a real SIGKILL.
 *
 * Deterministic, no timing: the test holds `lock table privacy_erasure in share mode` in its
 * own transaction. The erasure's transaction runs every plugin's erase hook and shreds the key,
 * then blocks on its last write (the answer, inserted into `privacy_erasure`). The test sees it
 * wait in `pg_locks`, SIGKILLs the gateway there, releases the lock (the orphaned backend then
 * finds its client gone and rolls back), checks nothing was erased, restarts a gateway and polls
 * until the scheduled check has resumed and completed the erasure.
 *
 * PostgreSQL only: PGlite lives inside one process, so no second process can share it, and a
 * process kill would take the database with it.
 */
const SERVER = process.env.DATABASE_URL;
const CONFIG = 'test/plugins/subject-requests/kill-during-erasure.config.ts';
const DEADLINE_MS = 120_000;

async function until<T>(what: string, probe: () => Promise<T | undefined | null | false>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = await probe();
    if (found) return found;
    if (Date.now() - started > DEADLINE_MS) throw new Error(`gave up waiting: ${what}`);
    await sleep(200);
  }
}

const NEEDS = 'PostgreSQL server only (DATABASE_URL): PGlite cannot be shared between processes';
describe.skipIf(!SERVER)(`a gateway killed in the middle of an erasure (${NEEDS})`, () => {
  const database = `kill_erasure_${randomUUID().replaceAll('-', '')}`;
  let admin: pg.Client;
  let db: pg.Client;
  let gateway: GatewayProcess;
  let databaseUrl: string;

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: SERVER });
    await admin.connect();
    await admin.query(`create database ${database}`);
    const url = new URL(SERVER!);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
  });

  afterAll(async () => {
    await gateway?.kill();
    await db?.end().catch(() => {});
    await admin?.query(`drop database if exists ${database} with (force)`).catch(() => {});
    await admin?.end();
  });

  test('the erasure rolls back with the process, then resumes and completes after a restart', async () => {
    const env = await gatewayEnv(databaseUrl, 'warn');
    const operatorKey = await createOperatorKey(env, CONFIG);
    gateway = new GatewayProcess(env, { config: CONFIG });
    gateway.start();
    await gateway.waitReady(180);

    const operator = new HttpGraphQLClient(gateway.url, operatorKey);
    const { createMerchant } = await operator.data<{ createMerchant: { id: string } }>(
      'mutation { createMerchant(name: "Kill Shop") { ... on Merchant { id } } }',
    );
    const { createApiKey } = await operator.data<{ createApiKey: { secret: string } }>(
      `mutation($m: ID!) { createApiKey(input: { kind: merchant, label: "kill test", merchantId: $m }) {
        ... on CreatedApiKey { secret } } }`,
      { m: createMerchant.id },
    );
    const shop = new HttpGraphQLClient(gateway.url, createApiKey.secret);
    const { createCustomer } = await shop.data<{ createCustomer: { id: string } }>(
      'mutation { createCustomer(input: { customerRef: "kim-42", jurisdiction: "FR" }) { ... on Customer { id } } }',
    );
    const customerId = createCustomer.id;
    const customerRef = async () =>
      (
        await shop.data<{ customer: { customerRef: string | null } }>(
          'query($id: ID!) { customer(id: $id) { ... on Customer { customerRef } } }',
          { id: customerId },
        )
      ).customer.customerRef;
    expect(await customerRef()).toBe('kim-42');

    const REQUEST = `... on SubjectRequest { id status verification
      answer { done kept { what rule until } note } history { action } }`;
    const { fileSubjectRequest: filed } = await shop.data<{
      fileSubjectRequest: { id: string; status: string };
    }>(
      `mutation { fileSubjectRequest(input: { kind: erasure, channel: email, customerRef: "kim-42" }) { ${REQUEST} } }`,
    );
    expect(filed.status).toBe('awaiting_verification');
    const { createCustomerSession } = await shop.data<{ createCustomerSession: { token: string } }>(
      'mutation { createCustomerSession(customerRef: "kim-42") { ... on CreatedCustomerSession { token } } }',
    );
    const kim = new HttpGraphQLClient(gateway.url, createCustomerSession.token);

    // Hold the erasure's last write, then let the subject verify: processing starts at once.
    db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query('begin');
    await db.query('lock table privacy_erasure in share mode');
    const verifying = kim
      .request(`mutation($id: ID!) { verifySubjectRequest(id: $id) { ${REQUEST} } }`, { id: filed.id })
      .catch((error: unknown) => error);
    const blocked = await until('the erasure to wait on privacy_erasure', async () => {
      const { rows } = await db.query<{ pid: number }>(
        `select pid from pg_locks where relation = 'privacy_erasure'::regclass and not granted`,
      );
      return rows[0]?.pid;
    });
    // Every plugin's erase hook has run and the key is shredded, uncommitted, in that backend.
    const { rows: inFlight } = await db.query<{ state: string; xact_start: Date | null }>(
      'select state, xact_start from pg_stat_activity where pid = $1',
      [blocked],
    );
    expect(inFlight[0]?.xact_start).not.toBeNull();

    await gateway.kill();
    await verifying;
    await db.query('commit');
    // The orphaned backend gets the lock, finds its client gone and rolls back.
    await until('the killed process’s backend to end', async () => {
      const { rows } = await db.query('select 1 from pg_stat_activity where pid = $1', [blocked]);
      return rows.length === 0;
    });

    // Nothing was erased: the request is still open, the key still opens the subject's data.
    const { rows: intact } = await db.query<{ status: string; shredded: number; erasures: number }>(
      `select r.status,
              (select count(*)::int from privacy_subject s where s.id = r.subject_id and s.shredded_at is not null) as shredded,
              (select count(*)::int from privacy_erasure e where e.subject_id = r.subject_id) as erasures
         from subject_request r where r.id = $1`,
      [filed.id],
    );
    expect(intact[0]).toEqual({ status: 'processing', shredded: 0, erasures: 0 });

    // A new process: its scheduled check resumes the erasure once the dead one's claim lapses.
    gateway.start();
    await gateway.waitReady(180);
    expect(await customerRef()).toBe('kim-42');
    const done = await until('the resumed erasure to complete', async () => {
      const { subjectRequest } = await shop.data<{
        subjectRequest: {
          status: string;
          answer: { done: string[]; kept: { rule: string }[] } | null;
          history: { action: string }[];
        };
      }>(`query($id: ID!) { subjectRequest(id: $id) { ${REQUEST} } }`, { id: filed.id });
      return subjectRequest.status === 'completed' && subjectRequest;
    });
    expect(done.history.map((h) => h.action)).toEqual(['file', 'verify', 'claim', 'resume', 'complete']);
    expect(done.answer?.done).toEqual(
      expect.arrayContaining([expect.stringContaining('erased (subject-requests)')]),
    );
    expect(done.answer?.kept.every((k) => k.rule.length > 0)).toBe(true);

    // Recorded once, and the subject's personal data no longer opens.
    const { rows: after } = await db.query<{ shredded: number; erasures: number }>(
      `select (select count(*)::int from privacy_subject s where s.id = r.subject_id and s.shredded_at is not null) as shredded,
              (select count(*)::int from privacy_erasure e where e.subject_id = r.subject_id) as erasures
         from subject_request r where r.id = $1`,
      [filed.id],
    );
    expect(after[0]).toEqual({ shredded: 1, erasures: 1 });
    expect(await customerRef()).toBeNull();
    expect(gateway.unexpectedExits).toBe(0);
  });
});
