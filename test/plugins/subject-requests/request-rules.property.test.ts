import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CPRA } from '../../../plugins/cpra/cpra.pack.ts';
import { GDPR } from '../../../plugins/gdpr/gdpr.pack.ts';
import { PIPA } from '../../../plugins/pipa/pipa.pack.ts';
import { extendedDeadline, termsFor } from '../../../plugins/subject-requests/request-deadlines.ts';
import { REQUEST_KINDS } from '../../../plugins/subject-requests/request-kinds.ts';
import {
  ACTIONS,
  canApply,
  next,
  OPEN_STATUSES,
  type RequestAction,
  type RequestStatus,
  TERMINAL_STATUSES,
} from '../../../plugins/subject-requests/request-state-machine.ts';
import { ExtensionNotAllowed } from '../../../plugins/subject-requests/subject-requests.errors.ts';

const PACKS = [
  { ...GDPR, name: 'gdpr' },
  { ...CPRA, name: 'cpra' },
  { ...PIPA, name: 'pipa' },
];
const instant = fc.date({
  min: new Date('2000-01-01T00:00:00Z'),
  max: new Date('2090-01-01T00:00:00Z'),
  noInvalidDate: true,
});
const packSets = fc.subarray(PACKS, { minLength: 0, maxLength: 3 });
const kinds = fc.constantFrom(...REQUEST_KINDS);
const actions = fc.constantFrom(...(Object.keys(ACTIONS) as RequestAction[]));

describe('deadlines (fast-check)', () => {
  test('the earliest applicable deadline wins, after receipt, and never later than any one law', () => {
    fc.assert(
      fc.property(packSets, kinds, instant, (packs, kind, received) => {
        const terms = termsFor(packs, kind, received);
        const alone = packs.map((p) => termsFor([p], kind, received)).filter((t) => t.dueAt);
        if (alone.length === 0) {
          expect(terms).toMatchObject({ law: null, dueAt: null, verification: true });
          return;
        }
        expect(terms.dueAt!.getTime()).toBeGreaterThan(received.getTime());
        for (const one of alone) expect(terms.dueAt!.getTime()).toBeLessThanOrEqual(one.dueAt!.getTime());
        // Unverified only where every law that applies allows it.
        expect(terms.verification).toBe(alone.some((t) => t.verification));
      }),
    );
  });

  test('an extension is granted once, only within the notice window, and only moves the deadline later', () => {
    fc.assert(
      fc.property(
        packSets,
        kinds,
        instant,
        fc.integer({ min: 0, max: 120 }),
        (packs, kind, received, dayOffset) => {
          const terms = termsFor(packs, kind, received);
          const now = new Date(received.getTime() + dayOffset * 86_400_000);
          const request = { receivedAt: received, dueAt: terms.dueAt, extendedAt: null };
          let extended: Date | null = null;
          try {
            extended = extendedDeadline(terms.rule, request, now);
          } catch (error) {
            expect(error).toBeInstanceOf(ExtensionNotAllowed);
          }
          if (extended) {
            expect(terms.rule?.extension).toBeTruthy();
            expect(extended.getTime()).toBeGreaterThan(terms.dueAt!.getTime());
            expect(now.getTime()).toBeLessThanOrEqual(terms.dueAt!.getTime());
            expect(() => extendedDeadline(terms.rule, { ...request, extendedAt: now }, now)).toThrow(
              ExtensionNotAllowed,
            );
          }
        },
      ),
    );
  });
});

describe('the request state machine (fast-check)', () => {
  test('nothing is processed or answered before verification; terminal states never move', () => {
    fc.assert(
      fc.property(fc.array(actions, { maxLength: 30 }), fc.boolean(), (sequence, filedVerified) => {
        let status: RequestStatus = filedVerified ? 'verified' : 'awaiting_verification';
        let verified = filedVerified;
        for (const action of sequence) {
          if (!canApply(action, status)) {
            expect(() => next(action, status)).toThrow();
            continue;
          }
          const to = next(action, status);
          if (TERMINAL_STATUSES.includes(status)) throw new Error(`${status} moved to ${to}`);
          if (action === 'verify') verified = true;
          if (to === 'processing' || to === 'completed') expect(verified).toBe(true);
          status = to;
        }
        expect([...OPEN_STATUSES, ...TERMINAL_STATUSES]).toContain(status);
      }),
    );
  });

  test('every open status can still end; every terminal one has no way out', () => {
    for (const status of OPEN_STATUSES)
      expect(Object.keys(ACTIONS).some((a) => canApply(a as RequestAction, status))).toBe(true);
    for (const status of TERMINAL_STATUSES)
      expect(Object.keys(ACTIONS).some((a) => canApply(a as RequestAction, status))).toBe(false);
  });
});
