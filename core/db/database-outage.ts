import type { Logger } from '../logging.ts';
import { errorChain, isDatabaseUnreachable } from './database-errors.ts';

function codeOf(error: unknown): string | undefined {
  for (const item of errorChain(error)) if (typeof item.code === 'string') return item.code;
  return undefined;
}

/**
 * One outage of the database, logged as one line when it starts and one when it ends.
 * While the database is unreachable every request and every background loop (event pump,
 * webhook dispatch, janitor, listeners) fails the same way; their error lines are folded
 * in here (counted, not written) instead of one stack trace per attempt.
 */
export class DatabaseOutage {
  readonly #log: Logger;
  readonly #probe: () => Promise<boolean>;
  readonly #probeIntervalMs: number;
  readonly #port: number | undefined;
  #since: number | undefined;
  #folded = 0;
  #timer: NodeJS.Timeout | undefined;
  #probing = false;

  /** `port`: the database server's, to recognise the LISTEN clients' bare socket errors. */
  constructor(
    log: Logger,
    probe: () => Promise<boolean>,
    options: { port?: number; probeIntervalMs?: number } = {},
  ) {
    this.#log = log;
    this.#probe = probe;
    this.#port = options.port;
    this.#probeIntervalMs = options.probeIntervalMs ?? 1000;
  }

  /** Whether `error` is the database being unreachable (see isDatabaseUnreachable). */
  isOutageError(error: unknown): boolean {
    return isDatabaseUnreachable(error, this.#port);
  }

  get down(): boolean {
    return this.#since !== undefined;
  }

  /** For the logger: true when `error` is the database being unreachable, and is folded in. */
  absorb(error: unknown, message: string | undefined): boolean {
    if (!this.isOutageError(error)) return false;
    if (this.#since !== undefined) {
      this.#folded++;
      return true;
    }
    this.#since = Date.now();
    this.#folded = 0;
    this.#log.warn(
      { code: codeOf(error), firstSeenBy: message },
      'database unreachable: answering DATABASE_UNAVAILABLE (HTTP 503) until it is back; its errors are not logged one by one',
    );
    this.#timer = setInterval(() => this.#check(), this.#probeIntervalMs);
    this.#timer.unref();
    return true;
  }

  #check(): void {
    if (this.#probing) return;
    this.#probing = true;
    this.#probe()
      .catch(() => false)
      .then((reachable) => {
        if (reachable && this.#since !== undefined) {
          this.#log.info(
            { downForMs: Date.now() - this.#since, foldedLogLines: this.#folded },
            'database reachable again',
          );
          this.close();
        }
      })
      .finally(() => {
        this.#probing = false;
      });
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#since = undefined;
  }
}
