import { deadline } from './deadline.ts';
import type { BreachRecipient } from './regulation-pack.ts';
import type { Regulations } from './regulations.ts';

/** How many subjects in one jurisdiction a breach touched (the subjects are not named in the record). */
export interface AffectedJurisdiction {
  readonly jurisdiction: string;
  readonly subjects: number;
}

/** One notification a pack requires: to whom, by when, for which subjects, and why. */
export interface BreachNotification {
  readonly law: string;
  readonly notify: BreachRecipient;
  readonly to: string;
  readonly jurisdiction: string;
  readonly subjects: number;
  /** Null where the law says "without undue delay" and sets no number. */
  readonly dueAt: Date | null;
  readonly article: string;
}

/**
 * Every notification the installed packs require for a breach discovered at `discoveredAt`, per
 * affected jurisdiction, in pack order. A pack switched off for the merchant still counts here:
 * the switch decides what the gateway enforces for consent, not whether the law wants a breach
 * reported, and listing a duty the operator may not owe is the safe error.
 */
export function breachNotifications(
  regulations: Regulations,
  breach: { discoveredAt: Date; affected: readonly AffectedJurisdiction[] },
): BreachNotification[] {
  const out: BreachNotification[] = [];
  for (const { jurisdiction, subjects } of breach.affected) {
    for (const { pack } of regulations.applying({ jurisdiction, establishment: null }, null)) {
      for (const clock of pack.rules.breach) {
        out.push({
          law: pack.name,
          notify: clock.notify,
          to: clock.to,
          jurisdiction,
          subjects,
          dueAt: clock.within ? deadline(breach.discoveredAt, clock.within) : null,
          article: clock.article,
        });
      }
    }
  }
  return out;
}
