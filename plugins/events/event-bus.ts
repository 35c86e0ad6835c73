/**
 * Wakes every gateway process when events were committed. A wake-up only says "read the log":
 * readers never take the notification for the event, so a lost one delays and never loses.
 */
export interface EventBus {
  readonly kind: 'postgres' | 'pglite' | 'redis' | 'poll';
  /**
   * Tells the other processes that this one sequenced new events. PostgreSQL needs nothing
   * here (the sequencer pass sends a NOTIFY, delivered when it commits); the embedded database
   * has no other process to tell.
   */
  announce(): void;
  start(onWake: () => void): Promise<void>;
  close(): Promise<void>;
}
