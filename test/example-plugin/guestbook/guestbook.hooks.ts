import type { HookAnswerOf } from '../../../core/plugin-api.ts';

/** What a `guestbook.beforeSign` handler is asked about: the message before it is stored. */
export interface BeforeSign {
  readonly merchantId: string;
  readonly author: string;
  readonly message: string;
}

/** One handler's answer. */
export type SignVerdict = { readonly refuse: false } | { readonly refuse: true; readonly reason: string };

/** The combined answer: refused when any handler refuses, with every reason given. */
export interface SignDecision {
  readonly refused: boolean;
  readonly reasons: readonly string[];
}

/** The one rule for combining answers: one refusal is enough. No handler: accepted. */
export function combineSignVerdicts(answers: readonly HookAnswerOf<'guestbook.beforeSign'>[]): SignDecision {
  const reasons = answers.flatMap(({ answer }) => (answer.refuse ? [answer.reason] : []));
  return { refused: reasons.length > 0, reasons };
}
