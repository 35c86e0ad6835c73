import type { EntityManager } from '@mikro-orm/core';
import type { DataSource } from '../db/data-map.ts';
import type { HookSpec } from '../global-types.ts';

/** A data subject: a merchant's customer, known to every plugin by the merchant's own reference. */
export interface DataSubject {
  readonly merchantId: string;
  readonly customerRef: string;
}

/** One plugin's part of a subject's data: records streamed, so a long history never sits in memory. */
export interface SubjectSection {
  /** Names the data, e.g. `payments`, `totp.factor`. */
  readonly name: string;
  /**
   * Where the section's data comes from, as the data map says (the least "given" source among its
   * fields): a portability export carries only `provided` and `observed` sections, never
   * `inferred` or `derived` ones (GDPR Art. 20 covers data the subject provided, observed use
   * included; a risk score is inferred). A plugin splits a section when its fields differ.
   */
  readonly source: DataSource;
  readonly records: AsyncIterable<Readonly<Record<string, unknown>>>;
}

/** What a plugin kept although it was asked to erase it, and why (the rule cites its law). */
export interface RetainedRecord {
  readonly what: string;
  readonly rule: string;
  readonly until: Date | null;
}

export interface SubjectErasure {
  /** What the plugin destroyed (names of fields or record kinds). */
  readonly erased: readonly string[];
  readonly kept: readonly RetainedRecord[];
}

declare module '../global-types.ts' {
  interface GatewayHooks {
    /** Each plugin that stores something about a subject answers with its sections. */
    'subject.export': HookSpec<{ em: EntityManager; subject: DataSubject }, readonly SubjectSection[]>;
    /** Inside the erasure's transaction: each plugin erases, or restricts under a hold, what it keeps. */
    'subject.erase': HookSpec<{ em: EntityManager; subject: DataSubject }, SubjectErasure>;
  }
}
