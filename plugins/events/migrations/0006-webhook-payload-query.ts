import { Migration } from '@mikro-orm/migrations';

/**
 * An endpoint may carry a GraphQL subscription document that shapes its deliveries' bodies
 * (webhook-payload-query.ts). Null keeps the default body. Stored as the owner wrote it, at most
 * 8 KiB (checked when saved), and parsed again by each process when it first delivers.
 */
export class Migration0006WebhookPayloadQuery extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "webhook_endpoint" add column "payload_query" text null;`);
  }
}
