import { BootError } from '../boot-error.ts';

/** The SQLSTATE (or Node error code) of an error or of anything in its `cause` chain. */
function codeOf(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === 'string') return e.code;
    e = e.cause as typeof e;
  }
  return undefined;
}

/**
 * What a failed connection to a PostgreSQL server means for the operator, as a BootError, when
 * waiting will not help: the server answers but has no such database, or refuses the role. An
 * unreachable server (refused, timed out, starting up) is `undefined`: `start` waits for it.
 * Never repeats the password of the URL.
 */
export function connectionRefusal(error: unknown, url: string): BootError | undefined {
  const parsed = new URL(url);
  const host = parsed.hostname || 'localhost';
  const port = parsed.port || '5432';
  const user = decodeURIComponent(parsed.username) || process.env.USER || 'postgres';
  const name = decodeURIComponent(parsed.pathname.slice(1)) || user;
  switch (codeOf(error)) {
    // invalid_catalog_name
    case '3D000':
      return new BootError({
        problem: `PostgreSQL at ${host}:${port} has no database "${name}"`,
        fix: `create it (createdb -h ${host} -p ${port} -U ${user} ${name}), or correct the database name in DATABASE_URL`,
      });
    // invalid_password, invalid_authorization_specification (no such role, pg_hba refusal)
    case '28P01':
    case '28000':
      return new BootError({
        problem: `PostgreSQL at ${host}:${port} refuses role "${user}": ${(error as Error).message}`,
        fix: 'correct the user and password in DATABASE_URL, or create the role (createuser) and allow it in pg_hba.conf',
      });
    default:
      return undefined;
  }
}

/** For commands that cannot wait: a server that does not answer at all. */
export function unreachable(error: unknown, url: string): BootError {
  const parsed = new URL(url);
  return new BootError({
    problem: `PostgreSQL at ${parsed.hostname || 'localhost'}:${parsed.port || '5432'} does not answer (${codeOf(error) ?? (error as Error | undefined)?.message ?? 'no connection'})`,
    fix: 'start PostgreSQL, or correct the host and port in DATABASE_URL',
  });
}
