import { childRulesFor } from './child-rules.ts';
import type { Period, RegulationRules } from './regulation-pack.ts';

/** One rule as an operator reads it: a stable id, what it says, and its article. */
export interface RuleStatement {
  /** `consent`, `children.under-14`, `requests.access`, `retention.payment`, `breach.authority`. */
  readonly id: string;
  readonly kind: keyof RegulationRules;
  readonly statement: string;
  readonly article: string;
}

export function formatPeriod(period: Period): string {
  const unit = period.unit === 'business-days' ? 'business days' : period.unit;
  return `${period.amount} ${period.amount === 1 ? unit.replace(/s$/, '') : unit}`;
}

/**
 * Every rule of a pack, flattened in a fixed order (the order of RegulationRules). With a
 * jurisdiction, the children's rules are those for a subject living there (a national age
 * replaces the pack's own); without, every row, national ones included.
 */
export function ruleStatements(rules: RegulationRules, jurisdiction?: string | null): RuleStatement[] {
  const { consent } = rules;
  const out: RuleStatement[] = [
    {
      id: 'consent',
      kind: 'consent',
      article: consent.article,
      statement: [
        consent.model === 'opt-in'
          ? 'opt-in: nothing optional before the subject says yes'
          : 'opt-out: sale or sharing until the subject says no',
        consent.separatePerPurpose && 'each purpose decided separately; a notice may not bundle purposes',
        consent.refusalKeepsService && 'refusing an optional purpose never denies the service',
        consent.withdrawalAsEasyAsConsent && 'withdrawal is one call, as easy as consent',
      ]
        .filter(Boolean)
        .join('; '),
    },
  ];
  const children = jurisdiction === undefined ? rules.children : childRulesFor(rules, jurisdiction);
  for (const child of children) {
    const where = child.territories ? `.${child.territories.join('-')}` : '';
    out.push({
      id: `children.under-${child.below}${where}`,
      kind: 'children',
      article: child.article,
      statement: `under ${child.below}${child.territories ? ` in ${child.territories.join(', ')}` : ''}: ${child.consentBy === 'guardian' ? 'a guardian consents' : 'the subject must opt in'} to ${child.covers === 'every-purpose' ? 'every purpose' : 'sale or sharing'}`,
    });
  }
  for (const r of rules.requests) {
    const parts = [
      r.acknowledgeWithin && `acknowledge within ${formatPeriod(r.acknowledgeWithin)}`,
      `answer within ${formatPeriod(r.answerWithin)}`,
      r.extension &&
        `extendable once by ${formatPeriod(r.extension)} with notice${r.extensionNoticeWithin ? ` given within ${formatPeriod(r.extensionNoticeWithin)}` : ''}`,
      r.verification === false && 'no verification of the requester needed',
    ];
    const calendar = [r.acknowledgeWithin, r.answerWithin].find((p) => p?.calendar)?.calendar;
    if (calendar)
      parts.push(
        `business days exclude ${[calendar.country, calendar.region].filter(Boolean).join('-')} public holidays`,
      );
    out.push({
      id: `requests.${r.kinds.join('-')}`,
      kind: 'requests',
      article: r.article,
      statement: `${r.kinds.join(', ')}: ${parts.filter(Boolean).join(', ')}`,
    });
  }
  for (const hold of rules.retentionHolds) {
    out.push({
      id: `retention.${hold.recordType}`,
      kind: 'retentionHolds',
      article: hold.article,
      statement: `${hold.recordType} records kept ${formatPeriod(hold.keep)}, even against erasure`,
    });
  }
  if (rules.gpc) {
    out.push({
      id: 'gpc',
      kind: 'gpc',
      article: rules.gpc.article,
      statement: 'Sec-GPC: 1 opts out of sale and sharing, even over an earlier opt-in',
    });
  }
  if (rules.automatedDecisions) {
    out.push({
      id: 'automated-decisions',
      kind: 'automatedDecisions',
      article: rules.automatedDecisions.article,
      statement: `automated decisions: ${rules.automatedDecisions.rights.join(', ')}`,
    });
  }
  if (rules.sensitive) {
    out.push({
      id: 'sensitive',
      kind: 'sensitive',
      article: rules.sensitive.article,
      statement: `sensitive: ${rules.sensitive.categories.join(', ')}`,
    });
  }
  for (const clock of rules.breach) {
    out.push({
      id: `breach.${clock.notify}`,
      kind: 'breach',
      article: clock.article,
      statement: `notify ${clock.to} ${clock.within ? `within ${formatPeriod(clock.within)} of discovery` : 'without undue delay'}`,
    });
  }
  return out;
}
