import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  isEventType,
  isTypePattern,
  patternCovers,
  typeMatches,
} from '../../../plugins/events/event-types.ts';
import { EVENT_TYPE_MATCHES_FUNCTION } from '../../../plugins/events/migrations/0003-event-functions.ts';
import { retryDelayMs } from '../../../plugins/events/retry-schedule.ts';
import {
  computeSignature,
  signatureHeader,
  verifyWebhookSignature,
} from '../../../plugins/events/webhook-signature.ts';
import { webhookUrlProblem } from '../../../plugins/events/webhook-url.ts';

const segment = fc.constantFrom(
  'payment',
  'payments',
  'pay',
  'refund',
  'order',
  'a_b',
  'x1',
  'captured',
  'created',
);
const eventType = fc.array(segment, { minLength: 2, maxLength: 4 }).map((parts) => parts.join('.'));
const pattern = fc.oneof(
  eventType,
  fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => `${parts.join('.')}.*`),
  fc.constant('*'),
);

describe('event types and patterns', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(EVENT_TYPE_MATCHES_FUNCTION);
  });
  afterAll(() => db?.close());

  test('a pattern covers another exactly when every type the other admits, it admits too', () => {
    fc.assert(
      fc.property(pattern, pattern, fc.array(eventType, { maxLength: 20 }), (outer, inner, types) => {
        if (patternCovers(outer, inner)) {
          for (const type of types)
            if (typeMatches(type, [inner])) expect(typeMatches(type, [outer])).toBe(true);
        } else {
          // A witness: a type the inner pattern admits and the outer one does not.
          const witness = inner === '*' ? 'zz.zz' : inner.endsWith('.*') ? `${inner.slice(0, -1)}zz` : inner;
          expect(typeMatches(witness, [inner])).toBe(true);
          expect(typeMatches(witness, [outer])).toBe(false);
        }
      }),
    );
  });

  test('names and patterns', () => {
    expect(['payment.captured', 'refund.created', 'a.b_c.d1'].every(isEventType)).toBe(true);
    expect(['payment', 'Payment.Captured', 'payment.', '.x', 'payment.*', 'a..b'].some(isEventType)).toBe(
      false,
    );
    expect(['*', 'payment.*', 'payment.captured', 'a.b.*'].every(isTypePattern)).toBe(true);
    expect(['payment', 'payment*', '*.captured', 'payment.*.x', '**'].some(isTypePattern)).toBe(false);
    expect(typeMatches('payment.captured', ['payment.*'])).toBe(true);
    expect(typeMatches('payments.captured', ['payment.*'])).toBe(false);
  });

  test('the SQL matcher (webhook routing, catch-up reads) agrees with the in-memory one (live subscriptions)', async () => {
    await fc.assert(
      fc.asyncProperty(
        eventType,
        fc.array(pattern, { minLength: 1, maxLength: 4 }),
        async (type, patterns) => {
          const { rows } = await db.query<{ matches: boolean }>(
            'select gateway_event_type_matches($1, $2::text[]) as matches',
            [type, patterns],
          );
          expect(rows[0]!.matches).toBe(typeMatches(type, patterns));
        },
      ),
      { numRuns: 200 },
    );
  });
});

test('retry delays grow exponentially with jitter, never beyond the cap', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 60_000 }),
      fc.integer({ min: 1, max: 86_400_000 }),
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      (failures, base, cap, random) => {
        const full = Math.min(cap, base * 2 ** (failures - 1));
        const delay = retryDelayMs(failures, base, cap, () => random);
        expect(delay).toBeGreaterThanOrEqual(Math.floor(full / 2));
        expect(delay).toBeLessThanOrEqual(Math.ceil(full));
      },
    ),
  );
  // Defaults: 30 s doubling to 6 h spread over 3 days is about 20 attempts.
  expect([1, 2, 3].map((n) => retryDelayMs(n, 30_000, 21_600_000, () => 0.999999))).toEqual([
    30_000, 60_000, 120_000,
  ]);
});

test('a signature verifies with its secret and body only, within the tolerance', () => {
  fc.assert(
    fc.property(
      fc.string({ minLength: 1 }),
      fc.string(),
      fc.integer({ min: 0, max: 4_000_000_000 }),
      (secret, body, t) => {
        const header = signatureHeader([secret], t, body);
        expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t })).toBe(true);
        expect(verifyWebhookSignature({ header, rawBody: `${body}x`, secret, now: t })).toBe(false);
        expect(verifyWebhookSignature({ header, rawBody: body, secret: `${secret}x`, now: t })).toBe(false);
        expect(verifyWebhookSignature({ header, rawBody: body, secret, now: t + 301 })).toBe(false);
      },
    ),
  );
  // echo -n '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_test
  expect(computeSignature('whsec_test', 1700000000, '{"a":1}')).toBe(
    '38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789',
  );
});

test('webhook URLs: https, no credentials, no private addresses unless allowed', () => {
  expect(webhookUrlProblem('https://hooks.example.com/x', false)).toBeUndefined();
  for (const url of [
    'http://hooks.example.com/x',
    'https://user:pw@hooks.example.com/x',
    'https://127.0.0.1/x',
    'https://10.1.2.3/x',
    'https://192.168.0.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://[::1]/x',
    'https://[::ffff:127.0.0.1]/x',
    'https://localhost/x',
    'not a url',
  ]) {
    expect(webhookUrlProblem(url, false), url).toBeDefined();
  }
  expect(webhookUrlProblem('http://127.0.0.1:8080/x', true)).toBeUndefined();
  expect(webhookUrlProblem('ftp://127.0.0.1/x', true)).toBeDefined();
});
