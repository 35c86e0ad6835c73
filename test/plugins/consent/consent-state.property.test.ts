import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  allowedPurposes,
  CONSENT_METHODS,
  type ConsentMethod,
  consentState,
  DECISION_STATES,
  gpcTargets,
  type ReceiptDecision,
  type ReceiptFacts,
} from '../../../plugins/consent/consent-state.ts';

const PURPOSES = ['payment', 'marketing', 'analytics', 'sharing'] as const;
const SELLS = new Set(['sharing', 'analytics']);

const decision = fc.record({
  purpose: fc.constantFrom(...PURPOSES),
  state: fc.constantFrom(...DECISION_STATES),
});
/** Any receipt the service can write: a GPC receipt only ever refuses. */
const receiptShape = fc
  .record({
    method: fc.constantFrom(...CONSENT_METHODS),
    decisions: fc.uniqueArray(decision, { minLength: 1, maxLength: 4, selector: (d) => d.purpose }),
  })
  .map((r) =>
    r.method === 'gpc'
      ? { ...r, decisions: r.decisions.map((d) => ({ ...d, state: 'refused' as const })) }
      : r,
  );

function receiptsOf(
  shapes: { method: ConsentMethod; decisions: { purpose: string; state: ReceiptDecision['state'] }[] }[],
) {
  return shapes.map(
    (shape, i): ReceiptFacts => ({
      id: `r${i + 1}`,
      sequence: i + 1,
      method: shape.method,
      noticeId: 'n',
      noticeKey: 'checkout',
      noticeVersion: 1,
      recordedAt: new Date(1_700_000_000_000 + i * 1000),
      decisions: shape.decisions.map((d) => ({
        ...d,
        mandatory: d.purpose === 'payment',
        sellsOrShares: SELLS.has(d.purpose),
        items: ['email'],
        retention: 'P1Y',
      })),
    }),
  );
}

/** What a GPC signal records: a refusal of every target, as one receipt. */
function withGpc(receipts: ReceiptFacts[]): ReceiptFacts[] {
  const targets = gpcTargets(consentState(receipts));
  if (targets.length === 0) return receipts;
  return receiptsOf([
    ...receipts.map((r) => ({ method: r.method, decisions: r.decisions.map((d) => ({ ...d })) })),
    { method: 'gpc', decisions: targets.map((t) => ({ purpose: t.purpose, state: 'refused' as const })) },
  ]);
}

test('a purpose is allowed exactly when its last decision, in chain order, granted it', () => {
  fc.assert(
    fc.property(fc.array(receiptShape, { maxLength: 12 }), (shapes) => {
      const receipts = receiptsOf(shapes);
      // Handed over in any order (here reversed): the chain's sequence decides.
      const allowed = allowedPurposes(consentState([...receipts].reverse()));
      for (const purpose of PURPOSES) {
        const last = receipts
          .flatMap((r) => r.decisions)
          .filter((d) => d.purpose === purpose)
          .at(-1);
        expect(allowed.has(purpose)).toBe(last?.state === 'granted');
      }
    }),
  );
});

test('a withdrawal ends the use of what it names, whatever came before', () => {
  fc.assert(
    fc.property(
      fc.array(receiptShape, { maxLength: 12 }),
      fc.constantFrom(...PURPOSES),
      (shapes, purpose) => {
        const receipts = receiptsOf([
          ...shapes,
          { method: 'explicit', decisions: [{ purpose, state: 'withdrawn' }] },
        ]);
        expect(allowedPurposes(consentState(receipts)).has(purpose)).toBe(false);
      },
    ),
  );
});

test('after a GPC signal no sale or sharing is allowed but what the subject re-granted itself since a signal; a second signal changes nothing', () => {
  fc.assert(
    fc.property(fc.array(receiptShape, { maxLength: 12 }), (shapes) => {
      const before = consentState(receiptsOf(shapes));
      const once = withGpc(receiptsOf(shapes));
      const after = consentState(once);
      for (const [purpose, s] of after) {
        if (s.sellsOrShares && s.granted) expect(s.reaskedAfterGpc).toBe(true);
        if (!SELLS.has(purpose)) expect(s.granted).toBe(before.get(purpose)?.granted);
        // The signal's own receipt marks a conflict on each purpose it overrode: each was granted.
        if (once.length > shapes.length && s.receiptId === once.at(-1)!.id) {
          expect(s.gpcConflict).toBe(true);
          expect(before.get(purpose)?.granted).toBe(true);
        }
      }
      expect(withGpc(once)).toHaveLength(once.length);
    }),
  );
});
