import type { EntityManager, MikroORM } from '@mikro-orm/core';
import { announceChange, ChangeFeed } from '../db/change-feed.ts';
import { query } from '../db/sql.ts';
import type { Logger } from '../logging.ts';
import type { CredentialEnd, CredentialRef } from './live-credentials.ts';

/** The channel a revocation is announced on; its payload is the credential as JSON. */
export const REVOCATION_CHANNEL = 'gateway_credential_revoked';

/**
 * The safety net behind the notifications (a notice can be lost while the listener reconnects, a
 * session's expiry can be moved in the database): every credential held open in this process is
 * checked against the database this often.
 */
const CHECK_INTERVAL_MS = 5_000;

/** Sends the revocation notice inside `tx`: every process hears it when `tx` commits. */
export async function announceRevocation(tx: EntityManager, ref: CredentialRef): Promise<void> {
  await announceChange(tx, REVOCATION_CHANNEL, JSON.stringify(ref));
}

function refOf(payload: string): CredentialRef | undefined {
  try {
    const { kind, id } = JSON.parse(payload);
    return (kind === 'key' || kind === 'session') && typeof id === 'string' ? { kind, id } : undefined;
  } catch {
    return undefined;
  }
}

export interface PropagationTarget {
  /** The credentials held open in this process. */
  inUse(): CredentialRef[];
  /** Forgets the cached principal and ends every open use of the credential. */
  end(ref: CredentialRef, reason: CredentialEnd): void;
}

/**
 * Carries revocations to every gateway process through the kernel's change feed
 * (core/db/change-feed.ts), the way SwitchPropagation carries plugin switches: each revocation as
 * it commits, a full check of the credentials held open after the listener reconnects and on an
 * interval. On the embedded database there is one process; the service ends its own revocations
 * at once and the interval catches changes made behind its back.
 */
export class CredentialPropagation {
  readonly #target: PropagationTarget;
  readonly #orm: MikroORM;
  readonly #feed: ChangeFeed;

  constructor(target: PropagationTarget, orm: MikroORM, log: Logger) {
    this.#target = target;
    this.#orm = orm;
    this.#feed = new ChangeFeed({
      orm,
      log,
      channel: REVOCATION_CHANNEL,
      name: 'credential revocation',
      intervalMs: CHECK_INTERVAL_MS,
      apply: (payload) => {
        const ref = refOf(payload);
        if (ref) this.#target.end(ref, 'revoked');
        return ref !== undefined;
      },
      catchUp: () => this.check(),
    });
  }

  start(): Promise<void> {
    return this.#feed.start();
  }

  close(): Promise<void> {
    return this.#feed.close();
  }

  /** Ends the open uses of every held credential the database says is revoked or expired. */
  async check(): Promise<void> {
    const held = this.#target.inUse();
    if (held.length === 0) return;
    const keys = held.filter((r) => r.kind === 'key').map((r) => r.id);
    const sessions = held.filter((r) => r.kind === 'session').map((r) => r.id);
    const em = this.#orm.em.fork();
    const rows = [
      ...(keys.length === 0
        ? []
        : await query<{ id: string }>(
            em,
            'select id::text as id from api_key where id = any(array[?]::uuid[]) and revoked_at is not null',
            [keys],
          )
      ).map(({ id }) => ({ kind: 'key' as const, id, expired: false })),
      ...(sessions.length === 0
        ? []
        : await query<{ id: string; expired: boolean }>(
            em,
            `select id::text as id, revoked_at is null as expired from customer_session
              where id = any(array[?]::uuid[]) and (revoked_at is not null or expires_at <= now())`,
            [sessions],
          )
      ).map(({ id, expired }) => ({ kind: 'session' as const, id, expired })),
    ];
    for (const row of rows)
      this.#target.end({ kind: row.kind, id: row.id }, row.expired ? 'expired' : 'revoked');
  }
}
