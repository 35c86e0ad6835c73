import type { EntityManager } from '@mikro-orm/core';
import type { HookRunner } from '../hooks.ts';
import type { BlindIndex } from './blind-index.ts';
import type { ProfilePurposes } from './profile-purposes.ts';
import type { Regulations } from './regulations.ts';
import type { DataSubject, SubjectErasure, SubjectSection } from './subject-hooks.ts';
import type { SubjectKeys } from './subject-keys.ts';

/** One plugin's answer to an erasure, with the plugin that gave it. */
export interface PluginErasure extends SubjectErasure {
  readonly plugin: string;
}

/**
 * Runs the data-subject hooks across every plugin: the subject-requests plugin (and tests) ask
 * here, so no plugin needs to know which others store something about a subject.
 */
export class PrivacyService {
  readonly #export: HookRunner<'subject.export', readonly SubjectSection[]>;
  readonly #erase: HookRunner<'subject.erase', readonly PluginErasure[]>;
  /** Per-subject keys: seal a personal value under its subject's key, open it, shred the key. */
  readonly keys: SubjectKeys;
  /** Keyed hashes to find a row by a personal value without storing the value. */
  readonly blindIndex: BlindIndex;
  /** The regulation packs: which laws apply to a subject, and their rules. */
  readonly regulations: Regulations;
  /** Which profile fields a merchant may collect: those the purposes enabled for it need. */
  readonly purposes: ProfilePurposes;

  constructor(
    exportRunner: HookRunner<'subject.export', readonly SubjectSection[]>,
    eraseRunner: HookRunner<'subject.erase', readonly PluginErasure[]>,
    keys: SubjectKeys,
    blindIndex: BlindIndex,
    regulations: Regulations,
    purposes: ProfilePurposes,
  ) {
    this.purposes = purposes;
    this.#export = exportRunner;
    this.#erase = eraseRunner;
    this.keys = keys;
    this.blindIndex = blindIndex;
    this.regulations = regulations;
  }

  /** Every plugin's sections, in plugin dependency order; records are read as the caller iterates. */
  exportSubject(em: EntityManager, subject: DataSubject): Promise<readonly SubjectSection[]> {
    return this.#export.run({ em, subject });
  }

  /** Erases across every plugin in one transaction: all of it happens, or none. */
  eraseSubject(em: EntityManager, subject: DataSubject): Promise<readonly PluginErasure[]> {
    return em.transactional((tx) => this.#erase.run({ em: tx, subject }));
  }
}
