import { z } from 'zod';
import { definePlugin, personal, technical } from '../../../core/plugin-api.ts';
import { combineSignVerdicts } from './guestbook.hooks.ts';
import { eraseEntries, exportEntries } from './guestbook.privacy.ts';
import { registerGuestbookSchema } from './guestbook.schema.ts';
import { GuestbookService } from './guestbook.service.ts';
import { countEntriesCommand } from './guestbook-count-command.ts';
import { GuestbookEntrySchema } from './guestbook-entry.entity.ts';
import { Migration0001Guestbook } from './migrations/0001-guestbook.ts';
import './global-types.ts';

export const guestbookPlugin = definePlugin({
  name: 'guestbook',
  version: '1.0.0',
  description: 'End users leave messages for a merchant (the plugin-authoring example)',
  options: z.strictObject({ maxMessageLength: z.number().int().min(1).max(10_000).default(280) }),
  entities: [GuestbookEntrySchema],
  migrations: [{ name: '0001-guestbook', class: Migration0001Guestbook }],
  dataMap: {
    GuestbookEntry: {
      id: technical('identify the entry'),
      merchantId: technical('whose guestbook'),
      author: personal('show who wrote the message', {
        retention: 'P1Y',
        basis: 'consent',
        source: 'provided',
      }),
      message: personal('show the message', { retention: 'P1Y', basis: 'consent', source: 'provided' }),
      createdAt: technical('order entries'),
    },
  },
  // Operators may turn the guestbook off for one merchant; it is on until they do.
  enablement: { perMerchant: true, default: 'on' },
  setup: (plugin) => {
    const beforeSign = plugin.declareHook('guestbook.beforeSign', {
      combine: combineSignVerdicts,
      // Handlers of plugins disabled for this merchant are skipped.
      merchantOf: (input) => input.merchantId,
    });
    const guestbook = new GuestbookService(plugin.options.maxMessageLength, beforeSign);
    return {
      services: guestbook,
      schema: (builder) => registerGuestbookSchema(builder, guestbook),
      hooks: { 'subject.export': exportEntries, 'subject.erase': eraseEntries },
      commands: { 'guestbook count': countEntriesCommand },
    };
  },
});
