import { setTimeout as sleep } from 'node:timers/promises';
import type { GatewayBuilder } from './builder.ts';

const MIN_SECONDS = 1;
const MAX_SECONDS = 300;

/**
 * A liveness signal for long-lived subscribers: proxies drop idle streams, and a client that
 * stops receiving heartbeats knows to reconnect. Ends when the client goes away.
 */
export function registerHeartbeat(builder: GatewayBuilder): void {
  const Heartbeat = builder.objectRef<{ at: Date; sequence: number }>('Heartbeat').implement({
    authScopes: { public: true },
    fields: (t) => ({
      at: t.expose('at', { type: 'DateTime' }),
      sequence: t.exposeInt('sequence', { description: 'Counts from 1 on each subscription.' }),
    }),
  });
  builder.subscriptionField('heartbeat', (t) =>
    t.field({
      type: Heartbeat,
      description: `A beat every \`everySeconds\` (${MIN_SECONDS} to ${MAX_SECONDS}), the first one at once.`,
      authScopes: { public: true },
      args: { everySeconds: t.arg.int({ defaultValue: 15 }) },
      subscribe: async function* (_root, { everySeconds }, _ctx, info) {
        const seconds = Math.min(MAX_SECONDS, Math.max(MIN_SECONDS, everySeconds ?? 15));
        const signal = (info as { signal?: AbortSignal }).signal;
        for (let sequence = 1; ; sequence++) {
          yield { at: new Date(), sequence };
          try {
            await sleep(seconds * 1000, undefined, { signal });
          } catch {
            return;
          }
        }
      },
      resolve: (beat) => beat,
    }),
  );
}
