import type { PluginCommand } from '../../core/plugin-api.ts';
import { verifyChains } from './receipt-chain.ts';

/** `gateway privacy verify-receipts`: checks every subject's receipt chain; exit 1 on a break. */
export const verifyReceiptsCommand: PluginCommand = {
  summary: 'check every consent receipt chain; exit code 1 and one line per break if one was tampered with',
  run: async ({ em, out }) => {
    const report = await verifyChains(em);
    for (const b of report.breaks) {
      out(`BROKEN subject ${b.subjectId} receipt ${b.sequence} (${b.receiptId}): ${b.problem}`);
    }
    out(
      `${report.receipts} receipts of ${report.subjects} subjects checked: ${
        report.breaks.length === 0 ? 'every chain is intact' : `${report.breaks.length} broken`
      }`,
    );
    return report.breaks.length === 0 ? 0 : 1;
  },
};
