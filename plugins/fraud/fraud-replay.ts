import { z } from 'zod';
import { type CompiledRule, decide, type RulesVerdict } from './fraud-rules.ts';
import { InMemoryFeatureStore } from './in-memory-feature-store.ts';
import { type AttemptFacts, type RiskFeatures, riskFeatures } from './risk-features.ts';
import { combine, type ModelVerdict, type RiskModel, scoreModel } from './risk-model.ts';

/**
 * One input line of `gateway fraud replay` (issue 13): a payment attempt as anyone can export it
 * from their own records. Fields beyond these are ignored (zod's object drops them).
 */
const replayAttempt = z.object({
  id: z.string().min(1),
  ts: z.iso.datetime({ offset: true }),
  merchantId: z.string().min(1),
  merchantCategory: z.string().min(1),
  customerId: z.string().min(1),
  customerCreatedAt: z.iso.datetime({ offset: true }).nullable(),
  jurisdiction: z.string(),
  currency: z.string().length(3),
  amount: z.number().int().nonnegative(),
  method: z.enum(['carrier_billing', 'wallet', 'card']),
  instrument: z.string().min(1),
  deviceId: z.string().min(1).nullable(),
  ip: z.string().min(1).nullable(),
  recipient: z.string().min(1).nullable(),
});
export type ReplayAttempt = z.infer<typeof replayAttempt>;

/** One output line: the decision the gateway would have made, from earlier attempts only. */
export interface ReplayDecision {
  readonly id: string;
  readonly decision: string;
  readonly score: number;
  readonly reasons: readonly string[];
}

export class ReplayInputError extends Error {}

/** Everything the replay knows about one decided attempt (what `fraud:eval` measures). */
export interface ReplayAssessment {
  readonly features: RiskFeatures;
  readonly rules: RulesVerdict;
  readonly model: ModelVerdict | null;
  readonly combined: RulesVerdict;
}

/**
 * Decides attempts one by one, in time order, as the live gateway would: the same facts (the
 * instrument keyed by method, the recipient lower-cased, as FraudDecider keys them), the same
 * features (`riskFeatures` over an InMemoryFeatureStore whose clock is the attempt's time) and the
 * same rules and decision (`decide`), and the same model combined the same way (`combine`). An
 * attempt sees only those before it: the store has nothing else.
 */
export class FraudReplay {
  readonly #rules: readonly CompiledRule[];
  readonly #model: RiskModel | null;
  readonly #store: InMemoryFeatureStore;
  #now = new Date(0);
  #customerSince: Date | null = null;
  #line = 0;

  constructor(rules: readonly CompiledRule[], model: RiskModel | null, cashCategories: readonly string[]) {
    this.#rules = rules;
    this.#model = model;
    this.#store = new InMemoryFeatureStore({
      now: () => this.#now,
      customerSince: () => this.#customerSince,
      cashCategories,
    });
  }

  /** Decides one JSON line; a malformed line or one earlier than the line before throws. */
  async decideLine(line: string): Promise<ReplayDecision> {
    let attempt: ReplayAttempt;
    try {
      attempt = replayAttempt.parse(JSON.parse(line));
    } catch (error) {
      throw new ReplayInputError(`line ${this.#line + 1}: ${(error as Error).message}`);
    }
    const { combined } = await this.assess(attempt);
    return { id: attempt.id, decision: combined.decision, score: combined.score, reasons: combined.reasons };
  }

  async assess(attempt: ReplayAttempt): Promise<ReplayAssessment> {
    this.#line++;
    const at = new Date(attempt.ts);
    if (at < this.#now) {
      throw new ReplayInputError(`line ${this.#line}: attempt ${attempt.id} is earlier than the one before`);
    }
    this.#now = at;
    this.#customerSince = attempt.customerCreatedAt === null ? null : new Date(attempt.customerCreatedAt);
    const facts: AttemptFacts = {
      id: attempt.id,
      paymentId: attempt.id,
      merchantId: attempt.merchantId,
      customerId: attempt.customerId,
      method: attempt.method,
      amount: BigInt(attempt.amount),
      currency: attempt.currency,
      category: attempt.merchantCategory,
      device: attempt.deviceId,
      ip: attempt.ip,
      instrument: `${attempt.method}\u0000${attempt.instrument}`,
      recipient: attempt.recipient === null ? null : attempt.recipient.toLowerCase(),
      recipientSealed: null,
    };
    const features = riskFeatures(facts, await this.#store.record(facts));
    const rules = decide(this.#rules, attempt.merchantId, features);
    const model = this.#model ? scoreModel(this.#model, features) : null;
    return { features, rules, model, combined: combine(rules, model) };
  }
}
