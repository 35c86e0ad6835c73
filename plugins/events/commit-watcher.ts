import type { EntityManager, MikroORM, TransactionEventArgs } from '@mikro-orm/core';

type TransactionContext = NonNullable<TransactionEventArgs['transaction']>;

/**
 * Calls back after the commit of a transaction that published events, so the producing process
 * sequences them at once instead of at its next probe. Hooks MikroORM's transaction events.
 */
export class CommitWatcher {
  readonly #published = new WeakSet<object>();
  readonly #onCommit: () => void;
  /** Published inside a savepoint: the outer transaction is not known, so the next commit wakes. */
  #nestedPending = false;

  constructor(orm: MikroORM, onCommit: () => void) {
    this.#onCommit = onCommit;
    orm.em.getEventManager().registerSubscriber({
      afterTransactionCommit: ({ transaction }) => this.#committed(transaction),
      afterTransactionRollback: ({ transaction }) => {
        if (transaction && !isSavepoint(transaction)) this.#nestedPending = false;
      },
    });
  }

  /** Call after writing an event with `em`; outside a transaction the write is already committed. */
  published(em: EntityManager): void {
    const transaction = em.getTransactionContext<TransactionContext>();
    if (!transaction) this.#onCommit();
    else if (isSavepoint(transaction)) this.#nestedPending = true;
    else this.#published.add(transaction);
  }

  #committed(transaction: TransactionContext | undefined): void {
    if (!transaction || isSavepoint(transaction)) return;
    if (this.#published.has(transaction) || this.#nestedPending) {
      this.#nestedPending = false;
      this.#onCommit();
    }
  }
}

function isSavepoint(transaction: TransactionContext): boolean {
  return typeof transaction.savepointName === 'string';
}
