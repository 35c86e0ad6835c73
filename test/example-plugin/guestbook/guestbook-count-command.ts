import { type PluginCommand, query } from '../../../core/plugin-api.ts';

/** `npm run gateway -- guestbook count`: entries per merchant, most first. */
export const countEntriesCommand: PluginCommand = {
  summary: 'count guestbook entries per merchant',
  async run({ em, out }) {
    const rows = await query<{ merchant_id: string; entries: number }>(
      em,
      'select merchant_id, count(*)::int as entries from guestbook_entry group by merchant_id order by 2 desc',
    );
    for (const { merchant_id, entries } of rows) out(`${merchant_id} ${entries}`);
    out(`${rows.length} merchant(s)`);
    return 0;
  },
};
