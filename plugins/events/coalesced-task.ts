/**
 * Runs `work` when woken; wake-ups during a run fold into one more run after it, so a burst of
 * notifications costs at most two runs and a wake-up is never lost. Never runs `work` twice at once.
 */
export class CoalescedTask {
  readonly #work: () => Promise<void>;
  readonly #log: Logger;
  readonly #name: string;
  #running: Promise<void> | undefined;
  #again = false;
  #closed = false;
  #waiting: (() => void)[] = [];

  constructor(name: string, work: () => Promise<void>, log: Logger) {
    this.#name = name;
    this.#work = work;
    this.#log = log;
  }

  wake(): void {
    if (this.#closed) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves after a run that started after this call has finished. */
  runNow(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.wake();
    });
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      const waiting = this.#waiting;
      this.#waiting = [];
      try {
        await this.#work();
      } catch (error) {
        // The periodic wake-up retries; a failing database must not crash the process.
        if (!this.#closed) this.#log.error({ err: error, task: this.#name }, 'background task failed');
      } finally {
        for (const resolve of waiting) resolve();
      }
    } while ((this.#again || this.#waiting.length > 0) && !this.#closed);
  }

  /** Stops taking wake-ups and waits for the current run. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#running;
    for (const resolve of this.#waiting.splice(0)) resolve();
  }
}

import type { Logger } from '../../core/plugin-api.ts';
