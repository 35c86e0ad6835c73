import type { Principal } from './principal.ts';

interface Entry {
  principal: Principal;
  /** When the cached answer stops being trusted. */
  freshUntil: number;
  /** A session's own expiry, which must hold even inside the cache window. */
  credentialExpiresAt: number;
}

/**
 * Credential hash -> principal, for a few seconds, so a busy client does not pay a database
 * round trip per request to prove who it is. Revocations and grant changes made through this
 * process are dropped at once; another process sees them within `ttlMs`.
 */
export class PrincipalCache {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(ttlMs: number, maxEntries = 10_000) {
    this.#ttlMs = ttlMs;
    this.#maxEntries = maxEntries;
  }

  get(hash: string, now = Date.now()): Principal | undefined {
    const entry = this.#entries.get(hash);
    if (!entry) return undefined;
    if (entry.freshUntil <= now || entry.credentialExpiresAt <= now) {
      this.#entries.delete(hash);
      return undefined;
    }
    return entry.principal;
  }

  set(
    hash: string,
    principal: Principal,
    credentialExpiresAt = Number.POSITIVE_INFINITY,
    now = Date.now(),
  ): void {
    if (this.#ttlMs <= 0) return;
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(hash, { principal, freshUntil: now + this.#ttlMs, credentialExpiresAt });
  }

  /** Forgets every cached principal matching `predicate` (a revoked key, a partner whose grants changed). */
  forget(predicate: (principal: Principal) => boolean): void {
    for (const [hash, entry] of this.#entries) if (predicate(entry.principal)) this.#entries.delete(hash);
  }
}
