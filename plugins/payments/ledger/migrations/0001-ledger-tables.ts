import { Migration } from '@mikro-orm/migrations';

/** The ledger's rules, in the database: the TypeScript service and the one-round-trip payment path share them. */
const LEDGER_FUNCTIONS = [
  // The stripe of a hot account a transaction writes: one per database connection, so that two
  // transactions running at once do not wait on each other's stripe (given stripes >= connections).
  `create function ledger_shard(p_shards smallint) returns smallint language sql stable as $$
    select case when p_shards > 1 then (pg_backend_pid() % p_shards)::smallint else 0::smallint end
  $$;`,
  // Moves one stripe's totals, refusing (SQLSTATE GW001, detail = available) what would break its rule.
  `create function ledger_move(p_account uuid, p_shard smallint, p_debits_posted bigint, p_credits_posted bigint,
      p_debits_pending bigint, p_credits_pending bigint) returns void language plpgsql as $$
  declare v_available bigint;
  begin
    update ledger_balance b set
      debits_posted = b.debits_posted + p_debits_posted, credits_posted = b.credits_posted + p_credits_posted,
      debits_pending = b.debits_pending + p_debits_pending, credits_pending = b.credits_pending + p_credits_pending
    where b.account_id = p_account and b.shard = p_shard
      and case b.rule
        when 'debits_must_not_exceed_credits' then
          b.debits_posted + p_debits_posted + b.debits_pending + p_debits_pending <= b.credits_posted + p_credits_posted
        when 'credits_must_not_exceed_debits' then
          b.credits_posted + p_credits_posted + b.credits_pending + p_credits_pending <= b.debits_posted + p_debits_posted
        else true end;
    if found then return; end if;
    select case b.rule
        when 'debits_must_not_exceed_credits' then b.credits_posted - b.debits_posted - b.debits_pending
        else b.debits_posted - b.credits_posted - b.credits_pending end
      into v_available from ledger_balance b where b.account_id = p_account and b.shard = p_shard;
    if not found then
      raise exception 'ledger account % has no stripe %', p_account, p_shard using errcode = 'GW900';
    end if;
    raise exception 'insufficient funds' using errcode = 'GW001', detail = v_available::text;
  end $$;`,
  // Two stripes, locked in (account, stripe) order: two payments never wait on each other in a cycle.
  `create function ledger_move_pair(
      p_a uuid, p_a_shard smallint, p_a_dpost bigint, p_a_cpost bigint, p_a_dpend bigint, p_a_cpend bigint,
      p_b uuid, p_b_shard smallint, p_b_dpost bigint, p_b_cpost bigint, p_b_dpend bigint, p_b_cpend bigint)
    returns void language plpgsql as $$
  begin
    if (p_a, p_a_shard) < (p_b, p_b_shard) then
      perform ledger_move(p_a, p_a_shard, p_a_dpost, p_a_cpost, p_a_dpend, p_a_cpend);
      perform ledger_move(p_b, p_b_shard, p_b_dpost, p_b_cpost, p_b_dpend, p_b_cpend);
    else
      perform ledger_move(p_b, p_b_shard, p_b_dpost, p_b_cpost, p_b_dpend, p_b_cpend);
      perform ledger_move(p_a, p_a_shard, p_a_dpost, p_a_cpost, p_a_dpend, p_a_cpend);
    end if;
  end $$;`,
  `create function ledger_account_shard(p_account uuid, p_currency text) returns smallint language plpgsql as $$
  declare v_shard smallint;
  begin
    select ledger_shard(a.shards) into v_shard from ledger_account a where a.id = p_account and a.currency = p_currency;
    if not found then
      raise exception 'no % ledger account %', p_currency, p_account using errcode = 'GW901';
    end if;
    return v_shard;
  end $$;`,
  `create function ledger_open_account(p_key text, p_kind text, p_currency text, p_normal text,
      p_allow_negative boolean, p_shards smallint, p_merchant uuid, p_customer uuid) returns uuid language plpgsql as $$
  declare v_id uuid;
  begin
    insert into ledger_account (id, key, kind, currency, normal, allow_negative, shards, merchant_id, customer_id, created_at)
      values (gen_random_uuid(), p_key, p_kind, p_currency, p_normal, p_allow_negative, p_shards, p_merchant, p_customer, now())
      on conflict (key) do nothing
      returning id into v_id;
    if v_id is not null then
      insert into ledger_balance (account_id, shard, rule, debits_posted, credits_posted, debits_pending, credits_pending)
        select v_id, g, case when p_allow_negative then 'none'
            when p_normal = 'credit' then 'debits_must_not_exceed_credits'
            else 'credits_must_not_exceed_debits' end, 0, 0, 0, 0
        from generate_series(0, p_shards - 1) g;
      return v_id;
    end if;
    select a.id into v_id from ledger_account a where a.key = p_key and a.currency = p_currency;
    if not found then
      raise exception 'ledger account % exists in another currency', p_key using errcode = 'GW901';
    end if;
    return v_id;
  end $$;`,
  `create function ledger_transfer(p_debit uuid, p_credit uuid, p_amount bigint, p_currency text,
      p_kind text, p_reference text, p_description text) returns uuid language plpgsql as $$
  declare
    v_entry uuid := gen_random_uuid();
    v_debit_shard smallint := ledger_account_shard(p_debit, p_currency);
    v_credit_shard smallint := ledger_account_shard(p_credit, p_currency);
  begin
    if p_amount <= 0 or p_debit = p_credit then
      raise exception 'a transfer moves a positive amount between two accounts' using errcode = 'GW901';
    end if;
    perform ledger_move_pair(p_debit, v_debit_shard, p_amount, 0, 0, 0, p_credit, v_credit_shard, 0, p_amount, 0, 0);
    insert into journal_entry (id, kind, reference, description, created_at)
      values (v_entry, p_kind, p_reference, p_description, now());
    insert into journal_line (entry_id, account_id, currency, amount, created_at)
      values (v_entry, p_debit, p_currency, p_amount, now()), (v_entry, p_credit, p_currency, -p_amount, now());
    return v_entry;
  end $$;`,
  `create function ledger_hold_create(p_debit uuid, p_credit uuid, p_amount bigint, p_currency text, p_reference text)
    returns uuid language plpgsql as $$
  declare
    v_hold uuid := gen_random_uuid();
    v_debit_shard smallint := ledger_account_shard(p_debit, p_currency);
    v_credit_shard smallint := ledger_account_shard(p_credit, p_currency);
  begin
    if p_amount <= 0 or p_debit = p_credit then
      raise exception 'a hold reserves a positive amount between two accounts' using errcode = 'GW901';
    end if;
    perform ledger_move_pair(p_debit, v_debit_shard, 0, 0, p_amount, 0, p_credit, v_credit_shard, 0, 0, 0, p_amount);
    insert into ledger_hold (id, debit_account_id, debit_shard, credit_account_id, credit_shard, currency, amount,
        status, reference, created_at)
      values (v_hold, p_debit, v_debit_shard, p_credit, v_credit_shard, p_currency, p_amount, 'pending', p_reference, now());
    return v_hold;
  end $$;`,
  // Posts part or all of a pending hold and releases the rest; a hold is posted or voided at most once (GW002).
  `create function ledger_hold_post(p_hold uuid, p_amount bigint, p_kind text, p_description text)
    returns uuid language plpgsql as $$
  declare
    v ledger_hold%rowtype;
    v_entry uuid := gen_random_uuid();
  begin
    update ledger_hold set status = 'posted', resolved_at = now()
      where id = p_hold and status = 'pending' returning * into v;
    if not found then raise exception 'hold % is not pending', p_hold using errcode = 'GW002'; end if;
    if p_amount <= 0 or p_amount > v.amount then
      raise exception 'a hold of % cannot post %', v.amount, p_amount using errcode = 'GW901';
    end if;
    perform ledger_move_pair(v.debit_account_id, v.debit_shard, p_amount, 0, -v.amount, 0,
      v.credit_account_id, v.credit_shard, 0, p_amount, 0, -v.amount);
    insert into journal_entry (id, kind, reference, description, created_at)
      values (v_entry, p_kind, v.reference, p_description, now());
    insert into journal_line (entry_id, account_id, currency, amount, created_at)
      values (v_entry, v.debit_account_id, v.currency, p_amount, now()),
             (v_entry, v.credit_account_id, v.currency, -p_amount, now());
    update ledger_hold set posted_entry_id = v_entry where id = p_hold;
    return v_entry;
  end $$;`,
  `create function ledger_hold_void(p_hold uuid) returns void language plpgsql as $$
  declare v ledger_hold%rowtype;
  begin
    update ledger_hold set status = 'voided', resolved_at = now()
      where id = p_hold and status = 'pending' returning * into v;
    if not found then raise exception 'hold % is not pending', p_hold using errcode = 'GW002'; end if;
    perform ledger_move_pair(v.debit_account_id, v.debit_shard, 0, 0, -v.amount, 0,
      v.credit_account_id, v.credit_shard, 0, 0, 0, -v.amount);
  end $$;`,
];

export class Migration0001LedgerTables extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "journal_entry" ("id" uuid not null, "kind" varchar(40) not null, "reference" varchar(100) null, "description" varchar(200) null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`create index "journal_entry_reference_index" on "journal_entry" ("reference");`);
    this.addSql(
      `create table "ledger_account" ("id" uuid not null, "key" varchar(300) not null, "kind" varchar(40) not null, "currency" varchar(3) not null, "normal" text not null, "allow_negative" boolean not null, "shards" smallint not null, "merchant_id" uuid null, "customer_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(`alter table "ledger_account" add constraint "ledger_account_key_unique" unique ("key");`);
    this.addSql(`create index "ledger_account_customer_id_index" on "ledger_account" ("customer_id");`);
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_shards_check" check (shards >= 1 and shards <= 256 and (allow_negative or shards = 1));`,
    );
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_normal_check" check ("normal" in ('debit', 'credit'));`,
    );
    this.addSql(
      `create table "ledger_hold" ("id" uuid not null, "debit_account_id" uuid not null, "debit_shard" smallint not null, "credit_account_id" uuid not null, "credit_shard" smallint not null, "currency" varchar(3) not null, "amount" bigint not null, "status" text not null, "reference" varchar(100) null, "posted_entry_id" uuid null, "created_at" timestamptz not null, "resolved_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "ledger_hold" add constraint "ledger_hold_amount_check" check (amount > 0);`);
    this.addSql(
      `alter table "ledger_hold" add constraint "ledger_hold_status_check" check ("status" in ('pending', 'posted', 'voided'));`,
    );
    this.addSql(
      `create table "ledger_balance" ("account_id" uuid not null, "shard" smallint not null, "rule" text not null, "debits_posted" bigint not null, "credits_posted" bigint not null, "debits_pending" bigint not null, "credits_pending" bigint not null, primary key ("account_id", "shard"));`,
    );
    this.addSql(
      `alter table "ledger_balance" add constraint "ledger_balance_limit_check" check (rule = 'none' or (rule = 'debits_must_not_exceed_credits' and debits_posted + debits_pending <= credits_posted) or (rule = 'credits_must_not_exceed_debits' and credits_posted + credits_pending <= debits_posted));`,
    );
    this.addSql(
      `alter table "ledger_balance" add constraint "ledger_balance_totals_check" check (debits_posted >= 0 and credits_posted >= 0 and debits_pending >= 0 and credits_pending >= 0);`,
    );
    this.addSql(
      `alter table "ledger_balance" add constraint "ledger_balance_rule_check" check ("rule" in ('none', 'debits_must_not_exceed_credits', 'credits_must_not_exceed_debits'));`,
    );
    this.addSql(
      `create table "journal_line" ("id" bigserial primary key, "entry_id" uuid not null, "account_id" uuid not null, "currency" varchar(3) not null, "amount" bigint not null, "payout_id" uuid null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "journal_line_account_id_id_index" on "journal_line" ("account_id", "id");`);
    this.addSql(
      `create index "journal_line_unsettled_index" on "journal_line" ("account_id", "created_at") where payout_id is null;`,
    );
    this.addSql(`alter table "journal_line" add constraint "journal_line_amount_check" check (amount <> 0);`);
    this.addSql(
      `alter table "ledger_account" add constraint "ledger_account_merchant_id_foreign" foreign key ("merchant_id") references "merchant" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "ledger_hold" add constraint "ledger_hold_debit_account_id_foreign" foreign key ("debit_account_id") references "ledger_account" ("id");`,
    );
    this.addSql(
      `alter table "ledger_hold" add constraint "ledger_hold_credit_account_id_foreign" foreign key ("credit_account_id") references "ledger_account" ("id");`,
    );
    this.addSql(
      `alter table "ledger_hold" add constraint "ledger_hold_posted_entry_id_foreign" foreign key ("posted_entry_id") references "journal_entry" ("id") on delete set null;`,
    );
    this.addSql(
      `alter table "ledger_balance" add constraint "ledger_balance_account_id_foreign" foreign key ("account_id") references "ledger_account" ("id");`,
    );
    this.addSql(
      `alter table "journal_line" add constraint "journal_line_entry_id_foreign" foreign key ("entry_id") references "journal_entry" ("id");`,
    );
    for (const sql of LEDGER_FUNCTIONS) this.addSql(sql);
  }
}
