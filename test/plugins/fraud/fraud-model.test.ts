import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { AttemptGenerator } from '../../../bench/fraud/attempt-generator.ts';
import type { TestGateway } from '../../../core/testing/create-test-gateway.ts';
import { BUILT_IN_RULES } from '../../../plugins/fraud/built-in-rules.ts';
import { FraudReplay } from '../../../plugins/fraud/fraud-replay.ts';
import { compileRule, type RulesVerdict } from '../../../plugins/fraud/fraud-rules.ts';
import { combine, loadRiskModel, type ModelVerdict } from '../../../plugins/fraud/risk-model.ts';
import { bootFraudGateway, card, customer, fraudMerchant, pay } from './support.ts';

/** The shipped risk model: it loads, scores, explains itself and joins the rules' decision. */
const model = loadRiskModel();

describe('the shipped model', () => {
  test('loads, and on attempts it never saw flags most fraud and few honest attempts, with reasons', async () => {
    const { attempts, labels } = new AttemptGenerator(12).generate(4_000);
    const replay = new FraudReplay(BUILT_IN_RULES.map(compileRule), model, ['gift_card', 'prepaid', 'game']);
    let fraud = 0;
    let fraudFlagged = 0;
    let honest = 0;
    let honestFlagged = 0;
    for (const [i, attempt] of attempts.entries()) {
      const { model: verdict } = await replay.assess(attempt);
      expect(verdict!.score).toBeGreaterThanOrEqual(0);
      expect(verdict!.score).toBeLessThanOrEqual(100);
      const flagged = verdict!.decision !== 'allow';
      if (flagged) expect(verdict!.reasons[0]).toMatch(/^model: [a-z_.0-9]+ = .+ \(\+\d+\.\d\)$/);
      if (labels[i]!.fraud) {
        fraud++;
        if (flagged) fraudFlagged++;
      } else {
        honest++;
        if (flagged) honestFlagged++;
      }
    }
    expect(fraudFlagged / fraud).toBeGreaterThan(0.8);
    expect(honestFlagged / honest).toBeLessThan(0.03);
  });

  test('combined with the rules: the stricter decision and the higher score win; an allow rule overrides', () => {
    const rules = (
      decision: RulesVerdict['decision'],
      matched: RulesVerdict['matched'] = [],
    ): RulesVerdict => ({
      decision,
      score: decision === 'allow' ? 0 : 70,
      reasons: decision === 'allow' ? [] : ['a rule'],
      matched,
    });
    const review: ModelVerdict = {
      probability: 0.8,
      score: 80,
      decision: 'review',
      reasons: ['model: x = 3 (+2.0)'],
    };
    expect(combine(rules('allow'), review)).toMatchObject({
      decision: 'review',
      score: 80,
      reasons: review.reasons,
    });
    expect(combine(rules('block'), review)).toMatchObject({
      decision: 'block',
      score: 80,
      reasons: ['a rule'],
    });
    expect(combine(rules('review'), review).reasons).toEqual(['a rule', 'model: x = 3 (+2.0)']);
    const allowRule = rules('allow', [{ id: 'r', version: 1, action: 'allow' }]);
    expect(combine(allowRule, review)).toMatchObject({ decision: 'allow', score: 80 });
    expect(combine(rules('challenge'), null)).toEqual(rules('challenge'));
  });
});

describe('with the model on, through GraphQL', () => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await bootFraudGateway({ model: 'on' });
  });
  afterAll(() => t?.close());

  test('a new account spending on gift cards from one phone is stopped with the model’s reasons', async () => {
    const shop = await fraudMerchant(t, 'gift_card');
    const buyer = await customer(shop.client);
    const answers = [];
    for (let i = 0; i < 6; i++) {
      answers.push(
        await pay(shop.client, card(buyer, 100_000, { deviceId: 'ring-phone', recipient: '+821055509999' })),
      );
    }
    const stopped = answers.filter((a) => a.status !== 'captured');
    expect(stopped.length).toBeGreaterThan(0);
    const reasons = stopped.flatMap((a) => a.reasons ?? a.fraudDecision?.reasons ?? a.review?.reasons ?? []);
    expect(reasons.some((r) => r.startsWith('model: '))).toBe(true);
  });
});
