import type { LawScope } from './jurisdiction.ts';

/**
 * A regulation pack: one law, as typed data the gateway enforces. A plugin contributes one from
 * its setup (`regulation: pack`), the way it contributes event types; the kernel collects them
 * (regulation-registry.ts) and answers, per merchant and subject, which apply. Every rule cites
 * the article it comes from, so an operator can check it against the text (`privacyRules`).
 *
 * Rules are data, not code: the plugin that does the work reads them (consent reads the consent
 * model and the children's ages, the subject-requests plugin the request deadlines, the breach
 * register the notification clocks). A new country is a new folder with one of these.
 */
export interface RegulationPack extends Omit<LawScope, 'name'> {
  /** What operators read: `GDPR (EU) 2016/679`. */
  readonly title: string;
  readonly rules: RegulationRules;
}

/** Where a rule comes from: `PIPA Art. 22(1)`, `Cal. Civ. Code s.1798.120(c)`. */
export interface Cited {
  readonly article: string;
}

/**
 * A length of time as the law counts it. Business days skip weekends, and the public holidays of
 * `calendar` when the pack names one (deadline.ts).
 */
export interface Period {
  readonly amount: number;
  readonly unit: 'hours' | 'days' | 'business-days' | 'months' | 'years';
  /** Whose public holidays are not business days, for `business-days`; none: weekends only. */
  readonly calendar?: HolidayCalendar;
}

/** A public-holiday calendar of date-holidays (`US`, `CA`), counted in its time zone. */
export interface HolidayCalendar {
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  /** The state or region, as date-holidays names it (`CA`). */
  readonly region?: string;
  /** IANA zone whose days are counted (`America/Los_Angeles`). */
  readonly timeZone: string;
}

export interface ConsentModel extends Cited {
  /** Opt-in: nothing optional happens before a yes. Opt-out: sale or sharing until a no. */
  readonly model: 'opt-in' | 'opt-out';
  /** Each purpose (item) is decided on its own; a notice may not bundle two into one consent. */
  readonly separatePerPurpose: boolean;
  /** Refusing an optional purpose never denies the service (the payment goes through). */
  readonly refusalKeepsService: boolean;
  /** Withdrawing is one call, like granting, and use stops at once. */
  readonly withdrawalAsEasyAsConsent: boolean;
}

export interface ChildRule extends Cited {
  /** Below this age in whole years the subject's own consent is not enough. */
  readonly below: number;
  /** Which consents need the guardian: all of them, or only sale or sharing. */
  readonly covers: 'every-purpose' | 'sale-or-sharing';
  /** Who must say yes below that age. */
  readonly consentBy: 'guardian' | 'subject-opt-in';
  /**
   * A national age (GDPR Art. 8(1) second subparagraph: a member state may lower 16 to 13):
   * for a subject living in these territories this rule replaces the pack's rules without
   * territories that cover the same consents. Absent: the pack's own rule (childRulesFor).
   */
  readonly territories?: readonly string[];
}

export type RequestKind =
  | 'access'
  | 'erasure'
  | 'correction'
  | 'portability'
  | 'opt-out'
  | 'restriction'
  | 'objection';

export interface RequestDeadline extends Cited {
  readonly kinds: readonly RequestKind[];
  /** Confirm receipt within this, where the law asks for it. */
  readonly acknowledgeWithin: Period | null;
  readonly answerWithin: Period;
  /** Once, with notice to the subject and the reason. */
  readonly extension: Period | null;
  /**
   * The extension's notice must reach the subject within this from receipt (GDPR: within the
   * first month); null: any time before the answer is due.
   */
  readonly extensionNoticeWithin?: Period | null;
  /** False where the law lets the request be honoured without verifying who asks (CPRA opt-out). */
  readonly verification?: boolean;
}

export type RecordType = 'payment' | 'aml' | 'consent-proof';

export interface RetentionHold extends Cited {
  readonly recordType: RecordType;
  /** Kept this long after the record's event, whatever an erasure request says. */
  readonly keep: Period;
}

export interface GpcRule extends Cited {
  /** `Sec-GPC: 1` is an opt-out of sale and sharing, even over an earlier opt-in. */
  readonly optOutOf: 'sale-or-sharing';
}

export interface AutomatedDecisionRule extends Cited {
  readonly rights: readonly ('explanation' | 'human-review' | 'contest' | 'opt-out')[];
  /**
   * How long a person has to answer the subject's request for review, where the law sets a
   * period (it runs from the request; the fraud plugin's review queue shows it as the due date).
   */
  readonly answerWithin?: Period & Cited;
}

export interface SensitiveCategories extends Cited {
  readonly categories: readonly string[];
  /**
   * Words (English and Korean) by which a notice item names one of the categories: `health`,
   * `fingerprint`, `건강`. Latin words match whole words, Hangul ones anywhere in the item.
   */
  readonly terms: readonly string[];
  /**
   * Collecting such an item needs a consent of its own: an optional purpose that asks for
   * sensitive items only, never the contract's consent nor one shared with other items (GDPR
   * Art. 9(2)(a) explicit consent, PIPA Art. 23(1)1 separate consent). Null where the law gives
   * a right to limit instead (CPRA s.1798.121): listed, nothing refused at publish.
   */
  readonly separateConsent: Cited | null;
}

export type BreachRecipient = 'authority' | 'subjects';

export interface BreachClock extends Cited {
  readonly notify: BreachRecipient;
  /** Who the authority is, for the operator's letter. */
  readonly to: string;
  /** From discovery; null where the law says "without undue delay" and sets no number. */
  readonly within: Period | null;
}

export interface RegulationRules {
  readonly consent: ConsentModel;
  readonly children: readonly ChildRule[];
  readonly requests: readonly RequestDeadline[];
  readonly retentionHolds: readonly RetentionHold[];
  readonly gpc: GpcRule | null;
  readonly automatedDecisions: AutomatedDecisionRule | null;
  readonly sensitive: SensitiveCategories | null;
  readonly breach: readonly BreachClock[];
}

/** A pack as the kernel keeps it: with the plugin that contributed it. */
export interface DeclaredRegulationPack extends RegulationPack {
  /** The pack's plugin name (`pipa`): also what the per-merchant switch is named. */
  readonly name: string;
}
