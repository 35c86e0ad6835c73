import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  AUTHORIZE_DECISIONS,
  type AuthorizeVerdict,
  combineVerdicts,
} from '../../../plugins/payments/before-authorize.ts';

const verdict = fc.record({
  decision: fc.constantFrom(...AUTHORIZE_DECISIONS),
  score: fc.integer({ min: 0, max: 100 }),
  reasons: fc.array(fc.string({ minLength: 1, maxLength: 8 }), { maxLength: 3 }),
});
const answers = fc.array(
  fc.record({ plugin: fc.constantFrom('fraud', 'pipa', 'limits', 'gdpr'), answer: verdict }),
  { maxLength: 6 },
);
const rank = (v: AuthorizeVerdict) => AUTHORIZE_DECISIONS.indexOf(v.decision);

test('the strictest decision wins, with the highest score, whatever order the handlers answered in', () => {
  fc.assert(
    fc.property(answers, fc.nat(), (given, seed) => {
      const combined = combineVerdicts(given);
      if (given.length === 0) {
        expect(combined).toMatchObject({ decision: 'allow', score: 0, reasons: [] });
        return;
      }
      expect(rank(combined)).toBe(Math.max(...given.map(({ answer }) => rank(answer))));
      expect(combined.score).toBe(Math.max(...given.map(({ answer }) => answer.score)));
      const shuffled = [...given].sort(
        (a, b) => ((a.answer.score * 31 + seed) % 7) - ((b.answer.score * 31 + seed) % 7),
      );
      expect(combineVerdicts(shuffled).decision).toBe(combined.decision);
      expect(combined.by.map((a) => a.plugin)).toEqual(given.map((a) => a.plugin));
    }),
  );
});

test('the reasons are every non-allow answer’s, strictest first; an allow’s reasons are not shown', () => {
  fc.assert(
    fc.property(answers, (given) => {
      const { reasons } = combineVerdicts(given);
      const shown = given.filter(({ answer }) => answer.decision !== 'allow');
      expect([...reasons].sort()).toEqual(shown.flatMap(({ answer }) => answer.reasons).sort());
      const strictest = shown.filter(
        ({ answer }) => rank(answer) === Math.max(...shown.map((a) => rank(a.answer))),
      );
      const first = strictest.flatMap(({ answer }) => answer.reasons);
      expect(reasons.slice(0, first.length).sort()).toEqual([...first].sort());
    }),
  );
});
