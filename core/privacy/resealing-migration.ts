import type { EntityManager } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { migrationSecrets } from '../db/migration-secrets.ts';
import { BlindIndex } from './blind-index.ts';
import { SubjectKeys } from './subject-keys.ts';

/**
 * A migration that moves existing personal values onto per-subject keys: it reads rows, finds
 * or creates each row's subject, and writes sealed values or subject ids back. Statements run
 * in order through `this.execute` (not `addSql`, which runs after `up` returns), inside the
 * migration's transaction, so a failure re-seals nothing.
 */
export abstract class ResealingMigration extends Migration {
  /** The subject keys and the entity manager of this migration's transaction. */
  protected privacy(): {
    keys: SubjectKeys;
    index: BlindIndex;
    em: EntityManager;
    secrets: ReturnType<typeof migrationSecrets>;
  } {
    const secrets = migrationSecrets(this.config);
    const index = new BlindIndex(secrets);
    return { keys: new SubjectKeys(secrets, index), index, em: this.getEntityManager(), secrets };
  }

  /** Each distinct (merchant, reference) once: its subject id, created with its key when new. */
  protected async subjectsOf(
    rows: readonly { merchant_id: string; customer_ref: string }[],
  ): Promise<Map<string, string>> {
    const { keys, em } = this.privacy();
    const ids = new Map<string, string>();
    for (const { merchant_id: merchantId, customer_ref: customerRef } of rows) {
      const key = subjectKey(merchantId, customerRef);
      if (!ids.has(key)) ids.set(key, await keys.subjectId(em, { merchantId, customerRef }));
    }
    return ids;
  }
}

/** The map key `subjectsOf` uses for a row. */
export const subjectKey = (merchantId: string, customerRef: string) => `${merchantId}\u0000${customerRef}`;
