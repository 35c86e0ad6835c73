import { Migration } from '@mikro-orm/migrations';

/**
 * The request and credential-failure counters of rate-limiter-flexible's PostgreSQL store
 * (its own column layout). Unlogged: a counter lost in a crash costs nothing, and a commit that
 * touches only unlogged tables does not wait for a WAL flush, so counting a request stays cheap.
 */
export class Migration0003RateLimitCounters extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      'create unlogged table "rate_limit_counter" ("key" varchar(255) primary key, "points" integer not null default 0, "expire" bigint);',
    );
  }
}
