import { definePlugin } from '../core/plugin.ts';
import { query } from '../core/plugin-api.ts';
import type { ExportKind } from '../plugins/portability/export.service.ts';

const PAGE = 1000;

/**
 * What `npm run bench:export` needs of the gateway beyond yoga.config.ts: an operator mutation
 * that starts an export (the subject-requests plugin does this once a request is verified), and,
 * while the payments plugin has no `subject.export` section yet, a stand-in `payments` section
 * (BENCH_EXPORT_STANDIN=1) that reads the subject's payment rows as that section will: by
 * keyset pages, never the whole history at once.
 */
export const benchExportPlugin = definePlugin({
  name: 'bench-export',
  version: '1.0.0',
  requires: ['payments', 'portability'],
  setup: (plugin) => ({
    schema: (builder) => {
      builder.mutationFields((t) => ({
        benchCreateExport: t.withAuth({ operator: true }).id({
          description: 'Bench only: starts an export of a subject.',
          args: {
            merchantId: t.arg.id({ required: true }),
            customerRef: t.arg.string({ required: true }),
            kind: t.arg.string({ required: true }),
          },
          resolve: async (_root, args, ctx) => {
            const subject = { merchantId: String(args.merchantId), customerRef: args.customerRef };
            const created = await plugin.services.portability.createExport(ctx, subject, {
              kind: args.kind as ExportKind,
            });
            return created.id;
          },
        }),
      }));
    },
    hooks:
      process.env.BENCH_EXPORT_STANDIN === '1'
        ? {
            'subject.export': ({ em, subject }) => {
              async function* records() {
                const subjectId = await plugin.services.privacy.keys.findSubjectId(em, subject);
                if (!subjectId) return;
                let after: { created_at: string; id: string } | undefined;
                for (;;) {
                  const rows = await query<Record<string, unknown> & { created_at: string; id: string }>(
                    em,
                    `select p.id, p.created_at::text as created_at, p.method, p.purpose, p.currency, p.amount::text as amount,
                            p.captured_amount::text as captured, p.refunded_amount::text as refunded, p.status, p.description
                       from payment_intent p join customer c on c.id = p.customer_id
                      where c.merchant_id = ? and c.subject_id = ?
                        ${after ? 'and (p.created_at, p.id) > (?::timestamptz, ?)' : ''}
                      order by p.created_at, p.id limit ${PAGE}`,
                    [subject.merchantId, subjectId, ...(after ? [after.created_at, after.id] : [])],
                  );
                  yield* rows;
                  if (rows.length < PAGE) return;
                  after = rows.at(-1);
                }
              }
              return [{ name: 'payments', source: 'observed', records: records() }];
            },
            'subject.erase': () => ({ erased: [], kept: [] }),
          }
        : {},
  }),
});
