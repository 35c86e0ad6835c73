import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';

const GuestbookEntrySchema = defineEntity({
  name: 'GuestbookEntry',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    merchantId: p.uuid().index(),
    author: p.string().length(100),
    message: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class GuestbookEntry extends GuestbookEntrySchema.class {}
GuestbookEntrySchema.setClass(GuestbookEntry);

export { GuestbookEntrySchema };
