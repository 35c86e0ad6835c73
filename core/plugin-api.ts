/**
 * What a plugin may import from the kernel, and nothing else: a plugin reaches the rest of the
 * gateway through this file, `core/global-types.ts` (to declare its services and hooks) and the
 * `api.ts` of the plugins it requires. test/core/plugin-boundary.test.ts fails on any other import,
 * so a new author can tell what is theirs to use and the kernel can change behind it.
 */

// The contract
export type { MikroORM } from '@mikro-orm/core';
// The schema: builder, typed errors, shared types
export type { GatewayBuilder, GatewaySchemaTypes } from '../schema/builder.ts';
export { type ErrorTypeOptions, registerErrorType } from '../schema/error-types.ts';
export { GatewayError, NotFoundError, ValidationError } from '../schema/errors.ts';
export { type MoneyInputShape, moneyFromInput, moneyRefs } from '../schema/money.schema.ts';
// Kernel entities a plugin's entities may refer to
export { ApiKey } from './auth/api-key.entity.ts';
export { Merchant } from './auth/merchant.entity.ts';
export { Partner } from './auth/partner.entity.ts';
export {
  type AuthenticatedPrincipal,
  canSeeMerchant,
  type Principal,
  type PrincipalKind,
  type PrincipalOf,
  visibleMerchants,
} from './auth/principal.ts';
export {
  type StepUpChallenge,
  type StepUpFactor,
  type StepUpGrantView,
  StepUpRequiredError,
} from './auth/step-up.ts';
export { merchantFilter } from './auth/tenancy.ts';
export { BootError } from './boot-error.ts';
// Requests, principals and tenancy
export type {
  AuthenticatedContext,
  CustomerContext,
  MerchantContext,
  OperatorContext,
  PartnerContext,
  RequestContext,
} from './context.ts';
export type { SecretBox } from './crypto/secret-box.ts';
// Data: the data map, raw SQL and LISTEN/NOTIFY
export { announceChange, ChangeFeed, type ChangeFeedOptions } from './db/change-feed.ts';
export {
  type CrossBorderTransfer,
  credential,
  type DataCategory,
  type DataMap,
  type DataSource,
  type FieldClassification,
  type LegalBasis,
  type PersonalProcessing,
  paymentRecord,
  personal,
  type Retention,
  technical,
} from './db/data-map.ts';
export {
  announceMerchantState,
  type MerchantState,
  MerchantStateBoard,
  merchantStateFeed,
} from './db/merchant-states.ts';
export { PgListener, type PgListenerOptions } from './db/pg-listener.ts';
export { big, longText, query } from './db/sql.ts';
// Per-merchant enablement: the event published for a switch (declared by the kernel)
export {
  PLUGIN_SWITCHED_EVENT,
  type PluginSwitched,
  pluginSwitchedEvent,
} from './enablement/plugin-switched.ts';
export type { DeclaredEventType, EventTypeDeclaration } from './event-types.ts';
export type { GatewayHooks, GatewayServices, HookSpec } from './global-types.ts';
export type {
  HookAnswer,
  HookAnswerOf,
  HookDeclaration,
  HookHandler,
  HookHandlers,
  HookInput,
  HookName,
  HookRunner,
} from './hooks.ts';
export type { PluginRoute, PluginRouteRequest } from './http/plugin-routes.ts';
export type { Logger } from './logging.ts';
// Money: bigint minor units, ISO 4217 exponents
export { currencyExponent, isCurrency } from './money/currencies.ts';
export {
  formatMicrosAsMinorDecimal,
  MICROS_PER_MINOR,
  parseMinorDecimalToMicros,
  splitWholeMinorUnits,
} from './money/micro-amount.ts';
export { add, compare, type Money, MoneyError, money, subtract } from './money/money.ts';
export {
  definePlugin,
  type GatewayPlugin,
  type PluginCommand,
  type PluginDefinition,
  type PluginEnablement,
  type PluginMigration,
  type PluginSetup,
} from './plugin.ts';
export type { PluginRuntime } from './plugin-runtime.ts';
// Privacy: the children's rule for a country, periods counted as the law counts them, which law
// applies, the data-subject hooks
export { childRulesFor } from './privacy/child-rules.ts';
export { deadline, isPublicHoliday } from './privacy/deadline.ts';
export {
  type ApplicableLaw,
  applicableLaws,
  countryOf,
  covers,
  EEA_COUNTRIES,
  type LawScope,
} from './privacy/jurisdiction.ts';
export type { PluginErasure, PluginSection } from './privacy/privacy.service.ts';
export { PrivacySubject } from './privacy/privacy-subject.entity.ts';
export { PROFILE_FIELDS, type ProfileField } from './privacy/profile-fields.ts';
export {
  type ConsentQuestion,
  type DeclaredPurpose,
  type ProcessingPurpose,
  ProfileFieldNotAllowed,
  type ProfilePurposes,
} from './privacy/profile-purposes.ts';
export type { ProcessingEntry } from './privacy/record-of-processing.ts';
export type {
  AutomatedDecisionRule,
  BreachClock,
  BreachRecipient,
  ChildRule,
  Cited,
  ConsentModel,
  DeclaredRegulationPack,
  GpcRule,
  HolidayCalendar,
  Period,
  RecordType,
  RegulationPack,
  RegulationRules,
  RequestDeadline,
  RequestKind,
  RetentionHold,
  SensitiveCategories,
} from './privacy/regulation-pack.ts';
export { type ApplyingPack, RegulationPackDisabled, type Regulations } from './privacy/regulations.ts';
export { ResealingMigration, subjectKey } from './privacy/resealing-migration.ts';
export { anonymousRecord, citedRule, type HeldUntil, retentionHold } from './privacy/retention-hold.ts';
export { SHARED_SENSITIVE_TERMS } from './privacy/sensitive-terms.ts';
export type {
  HeldRecordInput,
  HoldFacts,
  HoldView,
  PurgeReport,
  SubjectHolds,
} from './privacy/subject-holds.ts';
export type { DataSubject, RetainedRecord, SubjectErasure, SubjectSection } from './privacy/subject-hooks.ts';
export type { SubjectKeys } from './privacy/subject-keys.ts';
export { SECTION_PAGE, subjectPages, subjectRows } from './privacy/subject-rows.ts';
export { isUuid } from './uuid.ts';
