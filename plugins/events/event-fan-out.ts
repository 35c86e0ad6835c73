import type { EntityManager } from '@mikro-orm/core';
import type { PluginRuntime } from '../../core/plugin-api.ts';
import { CoalescedTask } from './coalesced-task.ts';
import { CommitWatcher } from './commit-watcher.ts';
import { createEventBus } from './create-event-bus.ts';
import type { WebhookDefaultsBoard } from './defaults/webhook-defaults-board.ts';
import type { EventBus } from './event-bus.ts';
import { EventLog } from './event-log.ts';
import { EventTail } from './event-tail.ts';
import type { EventsOptions } from './events.options.ts';
import { WebhookDispatcher } from './webhook-dispatcher.ts';
import type { PayloadQueries } from './webhook-payload-query.ts';

const SEQUENCE_BATCH = 1000;
const PURGE_BATCH = 5000;

/**
 * The background half of the event kernel, one per process: on every wake-up (a notification,
 * the producer's own commit, or the periodic timer) it sequences committed events, lets the
 * tail push them to live subscribers, and wakes the webhook dispatcher. A short probe sequences
 * events that no one announced (written by database triggers); only a pass that found some, or
 * a wake-up, reads the log. It also runs retention.
 */
export class EventFanOut {
  readonly log = new EventLog();
  readonly tail: EventTail;
  readonly dispatcher: WebhookDispatcher;
  readonly bus: EventBus;
  readonly #runtime: PluginRuntime<EventsOptions>;
  readonly #pump: CoalescedTask;
  readonly #purge: CoalescedTask;
  readonly #commits: CommitWatcher;
  readonly #timers: NodeJS.Timeout[] = [];
  #started = false;
  /** Set by a wake-up: the next pass reads the log even if it sequenced nothing itself. */
  #readWanted = false;

  constructor(
    runtime: PluginRuntime<EventsOptions>,
    payloadQueries: PayloadQueries,
    defaults: WebhookDefaultsBoard,
  ) {
    this.#runtime = runtime;
    const { options } = runtime;
    this.tail = new EventTail(this.log, options.subscriptions.pageSize);
    this.bus = createEventBus(runtime.orm, options.eventBus, runtime.log);
    this.dispatcher = new WebhookDispatcher({
      em: () => this.em(),
      secrets: runtime.secrets,
      options: options.webhooks,
      log: runtime.log,
      payloadQueries,
      retryForMs: (merchantId) => defaults.retryForMs(merchantId),
    });
    this.#pump = new CoalescedTask('event-pump', () => this.#pumpOnce(), runtime.log);
    this.#purge = new CoalescedTask('event-retention', () => this.#purgeExpired(), runtime.log);
    this.#commits = new CommitWatcher(runtime.orm, () => this.wake());
  }

  em(): EntityManager {
    return this.#runtime.orm.em.fork();
  }

  /** Called right after an event was written with `em`: its commit wakes this process. */
  published(em: EntityManager): void {
    this.#commits.published(em);
  }

  wake(): void {
    this.#readWanted = true;
    this.#probe();
  }

  #probe(): void {
    if (this.#started) this.#pump.wake();
  }

  async start(): Promise<void> {
    const { options } = this.#runtime;
    await this.tail.start(this.em());
    this.#started = true;
    await this.bus.start(() => this.wake());
    this.dispatcher.start();
    this.#every(options.eventBus.pollIntervalMs, () => this.wake());
    this.#every(options.eventBus.probeIntervalMs, () => this.#probe());
    this.#every(options.purgeIntervalMs, () => this.#purge.wake());
    this.wake();
    this.#purge.wake();
  }

  #every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.#timers.push(timer);
  }

  /** Sequences, then reads: resolves once everything committed before the call is out to the local subscribers. */
  sync(): Promise<void> {
    this.#readWanted = true;
    return this.#pump.runNow();
  }

  async #pumpOnce(): Promise<void> {
    let sequenced = 0;
    let deliveries = 0;
    let head = 0n;
    for (let n = SEQUENCE_BATCH; n === SEQUENCE_BATCH; ) {
      const pass = await this.log.sequence(this.em(), SEQUENCE_BATCH);
      n = pass.sequenced;
      sequenced += n;
      deliveries += pass.deliveries;
      head = pass.head;
    }
    if (sequenced > 0) this.bus.announce();
    // Only a pass that made deliveries has any for the dispatcher; retries come on its own timer.
    if (deliveries > 0) this.dispatcher.wake();
    if (sequenced > 0 || this.#readWanted) {
      this.#readWanted = false;
      await this.tail.read(this.em(), head);
    }
  }

  async #purgeExpired(): Promise<void> {
    const before = new Date(Date.now() - this.#runtime.options.retentionDays * 86_400_000);
    let purged = 0;
    for (let n = PURGE_BATCH; n === PURGE_BATCH; ) {
      n = await this.log.purge(this.em(), before, PURGE_BATCH);
      purged += n;
    }
    if (purged > 0) this.#runtime.log.info({ purged, before }, 'expired events purged');
  }

  /** Runs retention now (operators, tests). */
  purgeNow(): Promise<void> {
    return this.#purge.runNow();
  }

  async close(): Promise<void> {
    this.#started = false;
    for (const timer of this.#timers) clearInterval(timer);
    this.tail.close();
    await Promise.all([this.#pump.close(), this.#purge.close(), this.dispatcher.close()]);
    await this.bus.close();
  }
}
