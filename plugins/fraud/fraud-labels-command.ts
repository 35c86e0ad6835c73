import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { type PluginCommand, query } from '../../core/plugin-api.ts';

/** One labelled attempt, in the generator's label format plus the features it was decided on. */
export interface LabelledAttempt {
  readonly id: string;
  readonly fraud: boolean;
  /** `review-declined` or `review-approved`: where the label comes from. */
  readonly kind: string;
  /** As stored with the decision (`storedFeatures`); `loadFeatures` reads them back. */
  readonly features: Record<string, unknown>;
}

const PAGE = 5_000;

/**
 * The labels people gave, for training: an attempt is labelled once a person decided on its
 * review (fraud-review.service.ts) or on its held payment through `decidePaymentReview` (the
 * payment's own review then), and an open review (the subject reopened a declined one) has no
 * label until it is decided again. Only attempts whose features are still stored (not erased).
 */
const LABELLED = `select a.id, a.features,
    coalesce(r.status, p.review ->> 'status') as outcome, a.created_at::text as cursor
  from fraud_attempt a
  left join fraud_review r on r.attempt_id = a.id
  left join payment_intent p on a.decision = 'review' and p.id = a.payment_id and r.attempt_id is null
  where a.features is not null and coalesce(r.status, p.review ->> 'status') in ('approved', 'declined')
    and (a.created_at, a.id) > (?::timestamptz, ?::uuid)
  order by a.created_at, a.id limit ${PAGE}`;

/**
 * `gateway fraud labels --out labelled.jsonl`: exports the stored labels, one attempt a line,
 * for `npm run fraud:train -- --labelled labelled.jsonl` (bench/fraud/stored-labels.ts).
 * Read a page at a time, so any number of labels needs one page of memory.
 */
export function labelsCommand(): PluginCommand {
  return {
    summary: 'export people’s review outcomes as training labels (--out labelled.jsonl)',
    async run({ em, out, flags }) {
      if (!flags.out) {
        out('usage: gateway fraud labels --out labelled.jsonl');
        return 2;
      }
      const output = createWriteStream(flags.out);
      let after: [string, string] = ['-infinity', '00000000-0000-0000-0000-000000000000'];
      const counts = { fraud: 0, legitimate: 0 };
      try {
        for (;;) {
          const rows = await query<{
            id: string;
            features: Record<string, unknown>;
            outcome: 'approved' | 'declined';
            cursor: string;
          }>(em, LABELLED, after);
          for (const row of rows) {
            const fraud = row.outcome === 'declined';
            const line: LabelledAttempt = {
              id: row.id,
              fraud,
              kind: `review-${row.outcome}`,
              features: row.features,
            };
            if (!output.write(`${JSON.stringify(line)}\n`)) await once(output, 'drain');
            counts[fraud ? 'fraud' : 'legitimate']++;
          }
          if (rows.length < PAGE) break;
          const last = rows[rows.length - 1]!;
          // The timestamp as PostgreSQL wrote it: a JavaScript Date would drop its microseconds.
          after = [last.cursor, last.id];
        }
      } finally {
        output.end();
        await once(output, 'close');
      }
      out(`${counts.fraud} fraud and ${counts.legitimate} legitimate labels written to ${flags.out}`);
      return 0;
    },
  };
}
