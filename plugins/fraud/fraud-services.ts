import type { FraudDecider } from './fraud-decider.ts';
import type { FraudProfiles } from './fraud-profiles.ts';
import type { FraudReviewService } from './fraud-review.service.ts';
import type { FraudRuleService } from './fraud-rule.service.ts';

/** `services.fraud`: the decision on a payment, its rules, the merchants' categories, people's reviews. */
export interface FraudServices {
  readonly decider: FraudDecider;
  readonly rules: FraudRuleService;
  readonly profiles: FraudProfiles;
  readonly reviews: FraudReviewService;
}
