import { randomUUID } from 'node:crypto';
import { defineEntity, p } from '@mikro-orm/core';
import { Migration } from '@mikro-orm/migrations';
import { z } from 'zod';
import { definePlugin } from '../../core/plugin.ts';

/** Small plugins that exist to be refused: each breaks one rule of the registry. */

export const base = definePlugin({ name: 'base', version: '1.0.0' });

export const needsMissing = definePlugin({ name: 'needs-missing', version: '1.0.0', requires: ['ghost'] });

export const cycleA = definePlugin({ name: 'cycle-a', version: '1.0.0', requires: ['cycle-b'] });
export const cycleB = definePlugin({ name: 'cycle-b', version: '1.0.0', requires: ['cycle-a'] });

export const withOptions = definePlugin({
  name: 'with-options',
  version: '1.0.0',
  options: z.strictObject({
    limit: z.number().int().positive().default(10),
    region: z.enum(['eu', 'kr']).default('eu'),
  }),
});

const ThingSchema = defineEntity({
  name: 'Thing',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    ownerEmail: p.string(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});
class Thing extends ThingSchema.class {}
ThingSchema.setClass(Thing);

class CreateThing extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "thing" ("id" uuid not null, "owner_email" varchar(255) not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
  }
}

const technical = { category: 'technical', purpose: 'identify', retention: 'while-active' } as const;

export const unmappedField = definePlugin({
  name: 'unmapped-field',
  version: '1.0.0',
  entities: [ThingSchema],
  migrations: [{ name: '0001-thing', class: CreateThing }],
  dataMap: { Thing: { id: technical, createdAt: technical } },
});

export const mappedThing = definePlugin({
  name: 'mapped-thing',
  version: '1.0.0',
  entities: [ThingSchema],
  migrations: [{ name: '0001-thing', class: CreateThing }],
  dataMap: {
    Thing: {
      id: technical,
      ownerEmail: {
        category: 'personal',
        purpose: 'contact the owner',
        retention: 'while-active',
        basis: 'contract',
        source: 'provided',
      },
      createdAt: technical,
    },
  },
  // A thing's owner is no merchant's customer, so a subject's export finds none and erasure has
  // nothing to do; a plugin storing personal data still answers both hooks, or boot refuses it.
  setup: () => ({
    hooks: {
      'subject.export': () => [{ name: 'thing', source: 'provided', records: (async function* () {})() }],
      'subject.erase': () => ({ erased: [], kept: [] }),
    },
  }),
});

export const staleDataMap = definePlugin({
  name: 'stale-data-map',
  version: '1.0.0',
  entities: [ThingSchema],
  dataMap: { Thing: { ...mappedThing.definition.dataMap!.Thing!, nickname: technical } },
});

export const unguardedField = definePlugin({
  name: 'unguarded-field',
  version: '1.0.0',
  setup: () => ({
    schema: (builder) => {
      builder.queryField('leaky', (t) => t.string({ resolve: () => 'no policy here' }));
    },
  }),
});

export const explodingField = definePlugin({
  name: 'exploding-field',
  version: '1.0.0',
  setup: () => ({
    schema: (builder) => {
      builder.queryField('explode', (t) =>
        t.string({
          authScopes: { public: true },
          resolve: () => {
            throw new Error('database password is hunter2 at /srv/secret/path');
          },
        }),
      );
      builder.queryField('echo', (t) =>
        t.int({
          authScopes: { public: true },
          args: { value: t.arg.int({ required: true }) },
          resolve: (_r, a) => a.value,
        }),
      );
    },
  }),
});
