import type { EntityManager } from '@mikro-orm/core';
import { query } from '../../core/plugin-api.ts';

/**
 * The state changes that decide between an attacker and the owner, each one SQL statement whose
 * WHERE clause re-checks the lock and the last used step: two processes (or two requests)
 * racing on the same factor cannot both use one code or both escape the attempt count.
 */

export interface LockoutPolicy {
  maxAttempts: number;
  lockSeconds: number;
  maxLockSeconds: number;
}

const NOT_LOCKED = '(locked_until is null or locked_until <= ?::timestamptz)';

/**
 * Accepts the code of time step `step` once: only if no later-or-equal step was used and the
 * factor is not locked. A pending factor becomes active here, with its first valid code.
 */
export async function claimStep(
  em: EntityManager,
  factorId: string,
  step: number,
  now: Date,
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    em,
    `update totp_factor
        set last_used_step = ?::int, failed_attempts = 0, lockouts = 0, locked_until = null,
            activated_at = coalesce(activated_at, ?::timestamptz)
      where id = ?::uuid and (last_used_step is null or last_used_step < ?::int) and ${NOT_LOCKED}
      returning id`,
    [step, now, factorId, step, now],
  );
  return rows.length === 1;
}

/** Marks one unused recovery code used, if the factor is not locked. */
export async function consumeRecoveryCode(
  em: EntityManager,
  factorId: string,
  codeHash: string,
  now: Date,
): Promise<boolean> {
  const rows = await query<{ id: string }>(
    em,
    `update totp_recovery_code
        set used_at = ?::timestamptz
      where factor_id = ?::uuid and code_hash = ? and used_at is null
        and exists (select 1 from totp_factor where id = ?::uuid and ${NOT_LOCKED})
      returning id`,
    [now, factorId, codeHash, factorId, now],
  );
  if (rows.length === 0) return false;
  await query(
    em,
    'update totp_factor set failed_attempts = 0, lockouts = 0, locked_until = null where id = ?::uuid',
    [factorId],
  );
  return true;
}

export type FailureOutcome =
  | { readonly locked: false; readonly attemptsRemaining: number }
  | { readonly locked: true; readonly until: Date | null };

/**
 * Counts a failed attempt. The attempt that reaches `maxAttempts` locks the factor for
 * lockSeconds * 2^(earlier locks), capped at maxLockSeconds. `until: null` means another
 * request locked it first (read the row for the time).
 */
export async function recordFailure(
  em: EntityManager,
  factorId: string,
  now: Date,
  policy: LockoutPolicy,
): Promise<FailureOutcome> {
  const rows = await query<{ failed_attempts: number; locked_until: Date | string | null }>(
    em,
    `update totp_factor
        set failed_attempts = case when failed_attempts + 1 >= ?::int then 0 else failed_attempts + 1 end,
            lockouts = case when failed_attempts + 1 >= ?::int then lockouts + 1 else lockouts end,
            locked_until = case when failed_attempts + 1 >= ?::int
              then ?::timestamptz + make_interval(secs => least(?::int, ?::int * power(2, least(lockouts, 30))))
              else null end
      where id = ?::uuid and ${NOT_LOCKED}
      returning failed_attempts, locked_until`,
    [
      policy.maxAttempts,
      policy.maxAttempts,
      policy.maxAttempts,
      now,
      policy.maxLockSeconds,
      policy.lockSeconds,
      factorId,
      now,
    ],
  );
  const row = rows[0];
  if (!row) return { locked: true, until: null };
  if (row.locked_until !== null) return { locked: true, until: new Date(row.locked_until) };
  return { locked: false, attemptsRemaining: policy.maxAttempts - row.failed_attempts };
}
