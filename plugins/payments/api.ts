/**
 * What the payments plugin offers the plugins that require it, beside `services.payments`:
 * the payment-method contract, the simulated network a sandbox method is built on, the typed
 * errors its mutations return and the ledger's read API. Nothing else of this folder is public.
 */
export type {
  AuthorizeDecision,
  AuthorizeVerdict,
  BeforeAuthorizeInput,
  PaymentRiskContext,
} from './before-authorize.ts';
export { Customer } from './customer.entity.ts';
export type { AccountBalance } from './ledger/ledger.service.ts';
export type { StatementLine, StatementPage } from './ledger/ledger-statement.ts';
export { MONEY_MOVEMENT_ERRORS } from './payment-error-types.ts';
export { LimitExceededError } from './payment-errors.ts';
export type {
  AuthorizeCall,
  DeclineReason,
  MethodOperation,
  MethodOutcome,
  PaymentMethod,
  ReferenceCall,
  RequiredAction,
} from './payment-method.ts';
export type { PaymentView } from './payment-view.ts';
export { PAYMENT_RECORD } from './payments.privacy.ts';
export type { PaymentsServices } from './payments-services.ts';
export {
  decline,
  type FollowUpRequest,
  SimulatedNetwork,
  type SimulatedNetworkOptions,
  type Verdict,
} from './simulated-network.ts';
export { type SubjectCustomer, subjectCustomer, subjectHoldFacts } from './subject-customer.ts';
