import fc from 'fast-check';
import { expect, test } from 'vitest';
import { AUTHORIZE_DECISION_VALUES } from '../../../plugins/fraud/fraud-decision.ts';
import {
  type FraudReviewEvent,
  type FraudReviewState,
  initialState,
  labelOf,
  nextState,
} from '../../../plugins/fraud/fraud-review-state.ts';

/** The review queue's state machine over any sequence of requests and decisions. */
const events = fc.array(
  fc.oneof(
    fc.constant<FraudReviewEvent>({ kind: 'subject-request' }),
    fc.boolean().map<FraudReviewEvent>((approve) => ({ kind: 'decide', approve })),
  ),
  { maxLength: 12 },
);

test('every sequence keeps the review’s promises', () => {
  fc.assert(
    fc.property(
      fc.constantFrom(...AUTHORIZE_DECISION_VALUES),
      fc.boolean(),
      events,
      (decision, held, sequence) => {
        let state: FraudReviewState = initialState(decision, held);
        let requests = 0;
        let decisionsSinceRequest = 0;
        for (const event of sequence) {
          const next = nextState(state, event, decision);
          if ('refused' in next) {
            // A refusal names why, and only in these cases.
            if (event.kind === 'decide') {
              expect(next.refused).toBe('already-decided');
              expect(state.status === 'approved' || state.status === 'declined').toBe(true);
            } else {
              expect(state.subjectRequested || decision === 'allow' || state.status === 'approved').toBe(
                true,
              );
            }
            continue;
          }
          if (event.kind === 'subject-request') {
            requests++;
            decisionsSinceRequest = 0;
            // The payer is heard by a person: the review is open.
            expect(next.status).toBe('open');
          } else {
            decisionsSinceRequest++;
            expect(next.status).toBe(event.approve ? 'approved' : 'declined');
            expect(labelOf(next.status)).toBe(!event.approve);
          }
          // Approved stays approved; the subject's request is granted once; requested stays requested.
          if (state.status === 'approved') expect(next.status).toBe('approved');
          if (state.subjectRequested) expect(next.subjectRequested).toBe(true);
          state = next;
        }
        expect(requests).toBeLessThanOrEqual(1);
        // After a subject's request, at most one person's decision answers it.
        expect(decisionsSinceRequest).toBeLessThanOrEqual(1);
        // An allowed payment is never contested by its payer; a held one starts open.
        if (decision === 'allow') expect(requests).toBe(0);
        if (decision === 'review' && held) expect(initialState(decision, held).status).toBe('open');
      },
    ),
  );
});

test('an open review is decided exactly once', () => {
  fc.assert(
    fc.property(fc.boolean(), fc.boolean(), (first, second) => {
      const open: FraudReviewState = { status: 'open', subjectRequested: true };
      const decided = nextState(open, { kind: 'decide', approve: first }, 'block');
      expect(decided).toEqual({ status: first ? 'approved' : 'declined', subjectRequested: true });
      expect(nextState(decided as FraudReviewState, { kind: 'decide', approve: second }, 'block')).toEqual({
        refused: 'already-decided',
      });
    }),
  );
});
