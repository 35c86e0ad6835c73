import { z } from 'zod';
import { definePlugin } from '../../../core/plugin-api.ts';
import { GuestbookService } from './guestbook.service.ts';
import { GuestbookEntrySchema } from './guestbook-entry.entity.ts';
import { Migration0001Guestbook } from './migrations/0001-guestbook.ts';
import { registerGuestbookSchema } from './schema.ts';

declare module '../../../core/global-types.ts' {
  interface GatewayServices {
    guestbook: GuestbookService;
  }
}

export const guestbookPlugin = definePlugin({
  name: 'guestbook',
  version: '1.0.0',
  description: 'End users leave messages for a merchant (the plugin-authoring example)',
  options: z.object({ maxMessageLength: z.number().int().min(1).max(10_000).default(280) }),
  entities: [GuestbookEntrySchema],
  migrations: [{ name: '0001-guestbook', class: Migration0001Guestbook }],
  dataMap: {
    GuestbookEntry: {
      id: { category: 'technical', purpose: 'identify the entry', retention: 'while-active' },
      merchantId: { category: 'technical', purpose: 'whose guestbook', retention: 'while-active' },
      author: { category: 'personal', purpose: 'show who wrote the message', retention: 'P1Y' },
      message: { category: 'personal', purpose: 'show the message', retention: 'P1Y' },
      createdAt: { category: 'technical', purpose: 'order entries', retention: 'while-active' },
    },
  },
  setup: (plugin) => {
    const guestbook = new GuestbookService(plugin.options.maxMessageLength);
    return { services: guestbook, schema: (builder) => registerGuestbookSchema(builder, guestbook) };
  },
});
