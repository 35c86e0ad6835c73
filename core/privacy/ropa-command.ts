import type { PluginCommand } from '../plugin.ts';
import type { ProcessingEntry } from './record-of-processing.ts';
import { formatRecord, type RecordFormat } from './record-of-processing-format.ts';

const FORMATS: readonly RecordFormat[] = ['md', 'json'];

/** `gateway privacy ropa [--format json|md]`: the record of processing, Markdown by default. */
export function ropaCommand(record: readonly ProcessingEntry[]): PluginCommand {
  return {
    summary: 'print the record of processing (GDPR Art. 30) [--format md|json]',
    run: async ({ out, flags }) => {
      const format = (flags.format ?? 'md') as RecordFormat;
      if (!FORMATS.includes(format)) {
        out(`unknown --format "${flags.format}": use md or json`);
        return 2;
      }
      out(formatRecord(record, format).trimEnd());
      return 0;
    },
  };
}
