import type { Principal } from './principal.ts';

/** The stored credential a principal stands on: an API key or a customer session, by id. */
export interface CredentialRef {
  readonly kind: 'key' | 'session';
  readonly id: string;
}

export type CredentialEnd = 'revoked' | 'expired';

export function credentialOf(principal: Principal): CredentialRef | undefined {
  if (principal.kind === 'customer') return { kind: 'session', id: principal.sessionId };
  if (principal.kind === 'anonymous') return undefined;
  return { kind: 'key', id: principal.keyId };
}

interface Use {
  readonly ref: CredentialRef;
  readonly end: (reason: CredentialEnd) => void;
  readonly timer: NodeJS.Timeout | undefined;
}

/**
 * Everything in this process that keeps using a credential after the request that proved it:
 * open WebSockets and subscription streams. A revocation (here or, through
 * CredentialPropagation, in any process) or a session's expiry ends each of them once.
 */
export class LiveCredentials {
  readonly #uses = new Set<Use>();

  /** Registers a long-lived use; `end` runs at most once. Returns the release for when it closes. */
  hold(principal: Principal, end: (reason: CredentialEnd) => void): () => void {
    const ref = credentialOf(principal);
    if (!ref) return () => {};
    const expiresAt = principal.kind === 'customer' ? principal.expiresAt.getTime() : undefined;
    const use: Use = {
      ref,
      end: (reason) => {
        if (!this.#uses.delete(use)) return;
        clearTimeout(use.timer);
        end(reason);
      },
      timer:
        expiresAt === undefined
          ? undefined
          : setTimeout(() => use.end('expired'), Math.max(0, expiresAt - Date.now())).unref(),
    };
    this.#uses.add(use);
    return () => {
      this.#uses.delete(use);
      clearTimeout(use.timer);
    };
  }

  /** Ends every use of the credential. */
  end(ref: CredentialRef, reason: CredentialEnd): void {
    for (const use of [...this.#uses]) {
      if (use.ref.kind === ref.kind && use.ref.id === ref.id) use.end(reason);
    }
  }

  /** The distinct credentials in use, for the periodic check against the database. */
  inUse(): CredentialRef[] {
    const seen = new Map<string, CredentialRef>();
    for (const { ref } of this.#uses) seen.set(`${ref.kind}:${ref.id}`, ref);
    return [...seen.values()];
  }
}
