import { definePlugin } from '../core/plugin.ts';
import type { ExportKind } from '../plugins/portability/export.service.ts';

/**
 * What `npm run bench:export` needs of the gateway beyond yoga.config.ts: an operator mutation
 * that starts an export directly. The public path (subject-requests) starts one only once the
 * subject has verified the request, a step a benchmark of the export itself has no use for.
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
  }),
});
