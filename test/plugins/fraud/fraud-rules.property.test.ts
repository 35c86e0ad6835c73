import fc from 'fast-check';
import { expect, test } from 'vitest';
import {
  type CompiledRule,
  decide,
  RULE_ACTIONS,
  type RuleAction,
} from '../../../plugins/fraud/fraud-rules.ts';
import type { RiskFeatures } from '../../../plugins/fraud/risk-features.ts';

/** Radar's order over any set of rules, whatever matches (the conditions are stubbed). */
const MERCHANT = 'm-1';
const features = {} as RiskFeatures;

const ruleArb = fc.record({
  action: fc.constantFrom(...RULE_ACTIONS),
  score: fc.integer({ min: 0, max: 100 }),
  matches: fc.boolean(),
  enabled: fc.boolean(),
  ownMerchant: fc.constantFrom(null, MERCHANT, 'm-2'),
});

type ArbRule = {
  action: RuleAction;
  score: number;
  matches: boolean;
  enabled: boolean;
  ownMerchant: string | null;
};

const compiled = (rules: ArbRule[]): CompiledRule[] =>
  rules.map((r, i) => ({
    rule: {
      id: `r${i}`,
      version: 1,
      merchantId: r.ownMerchant,
      name: `rule ${i}`,
      action: r.action,
      expression: 'true',
      reason: `reason ${i}`,
      score: r.score,
      enabled: r.enabled,
      createdAt: new Date(0),
      createdBy: 'test',
    },
    matches: () => r.matches,
  }));

test('the decision follows Radar’s order; the score is the highest match; reasons are the decision’s', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { maxLength: 12 }), (rules) => {
      const verdict = decide(compiled(rules), MERCHANT, features);
      const live = rules.filter((r) => r.matches && r.enabled && r.ownMerchant !== 'm-2');
      const has = (action: RuleAction) => live.some((r) => r.action === action);
      const expected = has('allow')
        ? has('challenge')
          ? 'challenge'
          : 'allow'
        : has('block')
          ? 'block'
          : has('review')
            ? 'review'
            : has('challenge')
              ? 'challenge'
              : 'allow';
      expect(verdict.decision).toBe(expected);
      expect(verdict.score).toBe(Math.max(0, ...live.map((r) => r.score)));
      expect(verdict.matched).toHaveLength(live.length);
      expect(verdict.reasons).toHaveLength(live.filter((r) => r.action === verdict.decision).length);
      // Another merchant's rule or a disabled one never decides.
      if (live.length === 0) expect(verdict).toMatchObject({ decision: 'allow', score: 0, reasons: [] });
    }),
  );
});

test('adding a matching block rule never makes a decision without an allow match less strict', () => {
  const strictness = ['allow', 'challenge', 'review', 'block'];
  fc.assert(
    fc.property(fc.array(ruleArb, { maxLength: 10 }), fc.integer({ min: 0, max: 100 }), (rules, score) => {
      const before = decide(compiled(rules), MERCHANT, features);
      const blocked = [
        ...rules,
        { action: 'block' as const, score, matches: true, enabled: true, ownMerchant: null },
      ];
      const after = decide(compiled(blocked), MERCHANT, features);
      if (before.matched.some((m) => m.action === 'allow')) return;
      expect(after.decision).toBe('block');
      expect(strictness.indexOf(after.decision)).toBeGreaterThanOrEqual(strictness.indexOf(before.decision));
    }),
  );
});
