import { Migration } from '@mikro-orm/migrations';

/**
 * Lets a caller that moves many payments in one statement learn of a refusal without an
 * exception: an exception aborts the whole statement, and catching it costs a subtransaction
 * per payment. `ledger_try_move` answers the stripe's available amount when its rule refuses
 * the move (null when it moved); `ledger_move` keeps raising GW001 on top of it.
 * `ledger_record_entry` writes a journal entry and its two lines, the one place that does it
 * for a transfer.
 */
const TRY_MOVE = `create function ledger_try_move(p_account uuid, p_shard smallint, p_debits_posted bigint,
    p_credits_posted bigint, p_debits_pending bigint, p_credits_pending bigint) returns bigint language plpgsql as $$
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
    if found then return null; end if;
    select case b.rule
        when 'debits_must_not_exceed_credits' then b.credits_posted - b.debits_posted - b.debits_pending
        else b.debits_posted - b.credits_posted - b.credits_pending end
      into v_available from ledger_balance b where b.account_id = p_account and b.shard = p_shard;
    if not found then
      raise exception 'ledger account % has no stripe %', p_account, p_shard using errcode = 'GW900';
    end if;
    return v_available;
  end $$;`;

const MOVE = `create or replace function ledger_move(p_account uuid, p_shard smallint, p_debits_posted bigint,
    p_credits_posted bigint, p_debits_pending bigint, p_credits_pending bigint) returns void language plpgsql as $$
  declare v_available bigint := ledger_try_move(p_account, p_shard, p_debits_posted, p_credits_posted,
    p_debits_pending, p_credits_pending);
  begin
    if v_available is not null then
      raise exception 'insufficient funds' using errcode = 'GW001', detail = v_available::text;
    end if;
  end $$;`;

const RECORD_ENTRY = `create function ledger_record_entry(p_debit uuid, p_credit uuid, p_amount bigint, p_currency text,
    p_kind text, p_reference text, p_description text) returns uuid language plpgsql as $$
  declare v_entry uuid := gen_random_uuid();
  begin
    insert into journal_entry (id, kind, reference, description, created_at)
      values (v_entry, p_kind, p_reference, p_description, now());
    insert into journal_line (entry_id, account_id, currency, amount, created_at)
      values (v_entry, p_debit, p_currency, p_amount, now()), (v_entry, p_credit, p_currency, -p_amount, now());
    return v_entry;
  end $$;`;

const TRANSFER = `create or replace function ledger_transfer(p_debit uuid, p_credit uuid, p_amount bigint, p_currency text,
    p_kind text, p_reference text, p_description text) returns uuid language plpgsql as $$
  declare
    v_debit_shard smallint := ledger_account_shard(p_debit, p_currency);
    v_credit_shard smallint := ledger_account_shard(p_credit, p_currency);
  begin
    if p_amount <= 0 or p_debit = p_credit then
      raise exception 'a transfer moves a positive amount between two accounts' using errcode = 'GW901';
    end if;
    perform ledger_move_pair(p_debit, v_debit_shard, p_amount, 0, 0, 0, p_credit, v_credit_shard, 0, p_amount, 0, 0);
    return ledger_record_entry(p_debit, p_credit, p_amount, p_currency, p_kind, p_reference, p_description);
  end $$;`;

export class Migration0006RefusalAsValue extends Migration {
  override async up(): Promise<void> {
    this.addSql(TRY_MOVE);
    this.addSql(MOVE);
    this.addSql(RECORD_ENTRY);
    this.addSql(TRANSFER);
  }
}
