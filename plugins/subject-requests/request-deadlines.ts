import { type DeclaredRegulationPack, deadline, type RequestDeadline } from '../../core/plugin-api.ts';
import { PACK_KIND, type SubjectRequestKind } from './request-kinds.ts';
import { ExtensionNotAllowed } from './subject-requests.errors.ts';

/** The law's terms for one request: its deadlines, counted from receipt, and whether it is verified first. */
export interface RequestTerms {
  /** The pack whose rule applies; null when no applicable pack sets a deadline for the kind. */
  readonly law: string | null;
  readonly rule: RequestDeadline | null;
  readonly acknowledgeBy: Date | null;
  readonly dueAt: Date | null;
  /** False only where every applicable rule lets the request through unverified (CPRA opt-out). */
  readonly verification: boolean;
}

/**
 * The terms for a request of `kind` received at `receivedAt` from a subject under `packs`. With
 * several packs (a Californian customer of an EU merchant), the earliest answer wins: meeting it
 * meets every law. Deadlines run from receipt, whatever verification takes (11 CCR 7021(b)).
 */
export function termsFor(
  packs: readonly DeclaredRegulationPack[],
  kind: SubjectRequestKind,
  receivedAt: Date,
): RequestTerms {
  const rules = packs.flatMap((pack) =>
    pack.rules.requests
      .filter((r) => r.kinds.includes(PACK_KIND[kind]))
      .map((rule) => ({ law: pack.name, rule, dueAt: deadline(receivedAt, rule.answerWithin) })),
  );
  if (rules.length === 0)
    return { law: null, rule: null, acknowledgeBy: null, dueAt: null, verification: true };
  const first = rules.reduce((a, b) => (b.dueAt < a.dueAt ? b : a));
  const acknowledgements = rules
    .filter((r) => r.rule.acknowledgeWithin)
    .map((r) => deadline(receivedAt, r.rule.acknowledgeWithin!));
  return {
    law: first.law,
    rule: first.rule,
    acknowledgeBy: acknowledgements.length > 0 ? new Date(Math.min(...acknowledgements.map(Number))) : null,
    dueAt: first.dueAt,
    verification: rules.some((r) => r.rule.verification !== false),
  };
}

/** The last moment the subject may be told of an extension: the pack's limit, else the deadline itself. */
export function extensionNoticeBy(rule: RequestDeadline, receivedAt: Date, dueAt: Date): Date {
  const limit = rule.extensionNoticeWithin ? deadline(receivedAt, rule.extensionNoticeWithin) : dueAt;
  return limit < dueAt ? limit : dueAt;
}

/**
 * The deadline after the one extension the rule allows, counted from the first deadline (GDPR
 * Art. 12(3) "extended by two further months"; 11 CCR 7021(b) "up to an additional 45 calendar
 * days"). Refused, with the reason, when the rule has none, it was used, or notice comes too late.
 */
export function extendedDeadline(
  rule: RequestDeadline | null,
  request: { receivedAt: Date; dueAt: Date | null; extendedAt: Date | null },
  now: Date,
): Date {
  if (!rule || !request.dueAt) throw new ExtensionNotAllowed('no applicable law sets a deadline for it');
  if (!rule.extension) throw new ExtensionNotAllowed(`${rule.article} allows no extension`);
  if (request.extendedAt) throw new ExtensionNotAllowed('it was extended once already');
  const noticeBy = extensionNoticeBy(rule, request.receivedAt, request.dueAt);
  if (now > noticeBy)
    throw new ExtensionNotAllowed(
      `the subject had to be told by ${noticeBy.toISOString()} (${rule.article})`,
    );
  return deadline(request.dueAt, rule.extension);
}
