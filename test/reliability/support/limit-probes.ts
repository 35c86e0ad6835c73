import { randomBytes } from 'node:crypto';
import { jsonHeaders } from './fuzz-requests.ts';
import type { GatewayProcess } from './gateway-process.ts';
import { type Answer, codesOf, leaksInternals, send } from './graphql.ts';

export interface LimitProbe {
  limit: string;
  /** How many requests the probe sends (most send one). */
  run: (
    gateway: GatewayProcess,
    tokens: { merchant: string; operator: string; customer: string },
  ) => Promise<Answer[]>;
  /** The probe's verdict on its answers: what is wrong, if anything. */
  judge: (answers: Answer[]) => string[];
}

const query = (q: string) => JSON.stringify({ query: q });
const aliases = (n: number, field: string) =>
  `{ ${Array.from({ length: n }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
const PAYMENTS = 'payments(first: 100) { edges { node { id operations { id kind status } } } }';

const one =
  (body: string, extra: Record<string, string> = {}) =>
  async (g: GatewayProcess, t: { merchant: string }) => [
    await send(g.url, { headers: { ...jsonHeaders(t.merchant), ...extra }, body, timeoutMs: 20_000 }),
  ];

/** Refused: an error answer below 500, with a code, no data, no internals. */
function refused(answers: Answer[]): string[] {
  const [answer] = answers;
  if (!answer) return ['no answer'];
  if (answer.error) return [`no answer within 20s (${answer.error})`];
  const problems: string[] = [];
  const codes = codesOf(answer);
  if (answer.status >= 500) problems.push(`HTTP ${answer.status}`);
  if (codes.length === 0)
    problems.push(
      `not refused: HTTP ${answer.status}, ${answer.text.length} bytes of answer in ${Math.round(answer.ms)}ms`,
    );
  if (codes.includes('INTERNAL_SERVER_ERROR') || codes.includes('NO_CODE'))
    problems.push(`codes ${codes.join(', ')}`);
  if (answer.body?.data && Object.values(answer.body.data).some((v) => v !== null))
    problems.push('data was computed');
  const leak = leaksInternals(answer.text);
  if (leak) problems.push(`the answer carries ${leak}`);
  return problems.map((p) => `${p}: ${answer.text.slice(0, 200)}`);
}

function rateLimited(answers: Answer[]): string[] {
  const limited = answers.filter((a) => codesOf(a).includes('RATE_LIMITED'));
  const problems = answers
    .filter((a) => a.status >= 500)
    .map((a) => `HTTP ${a.status}: ${a.text.slice(0, 200)}`);
  if (limited.length === 0) problems.push(`no RATE_LIMITED among ${answers.length} requests`);
  else if (!limited.some((a) => a.headers.get('retry-after')))
    problems.push('RATE_LIMITED without Retry-After');
  return problems.slice(0, 5);
}

async function burst(count: number, width: number, make: () => Promise<Answer>): Promise<Answer[]> {
  const answers: Answer[] = [];
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (answers.length < count) answers.push(await make());
    }),
  );
  return answers;
}

/** One request (or burst) beyond each abuse limit the issue names. */
export const LIMIT_PROBES: LimitProbe[] = [
  {
    limit: 'depth: a selection nested 2,000 deep',
    run: one(query(`{ __schema { types { ${'ofType { '.repeat(2000)}name${' }'.repeat(2000)} } } }`)),
    judge: refused,
  },
  {
    limit: 'parser: 10,000 nested braces',
    run: one(query(`${'{ a '.repeat(10_000)}b${' }'.repeat(10_000)}`)),
    judge: refused,
  },
  {
    limit: 'aliases: 200 aliases of payments(first: 100) { operations }',
    run: one(query(aliases(200, PAYMENTS))),
    judge: refused,
  },
  {
    limit: 'tokens: a document of 60,000 tokens',
    run: one(query(`{ ${'__typename '.repeat(60_000)}}`)),
    judge: refused,
  },
  {
    limit: 'directives: 1,000 directives on one field',
    run: one(query(`{ __typename ${'@include(if: true) '.repeat(1000)}}`)),
    judge: refused,
  },
  {
    limit: 'cost: 12 aliases of nested payments lists',
    run: one(
      query(
        aliases(
          12,
          `payments(first: 100) { edges { node { id status amount { amount } operations { id kind status amount { amount currency } } } } }`,
        ),
      ),
    ),
    judge: refused,
  },
  {
    limit: 'body size: a 2 MiB body',
    run: one(query(`{ __typename } # ${'x'.repeat(2 * 1024 * 1024)}`)),
    judge: refused,
  },
  {
    limit: 'batching: 100 operations in one request',
    run: one(JSON.stringify(Array.from({ length: 100 }, () => ({ query: '{ viewer { kind } }' })))),
    judge: refused,
  },
  {
    // The shipped per-key defaults are flood caps far above what a probe sends (README, Limits);
    // a customer session's (1,000 per 10 s) is the one a burst can reach.
    limit: 'rate limit per customer session: 1,500 requests at once',
    run: (g, t) =>
      burst(1500, 32, () =>
        send(g.url, { headers: jsonHeaders(t.customer), body: query('{ viewer { kind } }') }),
      ),
    judge: rateLimited,
  },
  {
    limit: 'API key guessing: 200 wrong merchant keys from one address',
    run: (g) =>
      burst(200, 8, () =>
        send(g.url, {
          headers: jsonHeaders(`gw_mk_${randomBytes(32).toString('base64url')}`),
          body: query('{ viewer { kind } }'),
        }),
      ),
    judge: rateLimited,
  },
];
