import { Migration } from '@mikro-orm/migrations';

export class Migration0002StepUpGrants extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "step_up_grant" ("id" uuid not null, "credential_kind" text not null, "credential_id" uuid not null, "factor" varchar(50) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create index "step_up_grant_credential_id_expires_at_index" on "step_up_grant" ("credential_id", "expires_at");`,
    );
    this.addSql(
      `alter table "step_up_grant" add constraint "step_up_grant_credential_kind_check" check ("credential_kind" in ('api_key', 'customer_session'));`,
    );
  }
}
