import { Migration } from '@mikro-orm/migrations';

/**
 * Lets a caller that moves many payments in one statement write them as sets: a stripe's rule
 * as one expression (`ledger_rule_holds`) that an UPDATE over many stripes can test, and
 * `ledger_record_entries`, many journal entries and their lines in one statement. Per payment,
 * a statement or a function call costs more than the rows it writes. `ledger_try_move` and
 * `ledger_record_entry` are now these with one row, so each rule and each writer is in one place.
 */
const RULE_HOLDS = `create function ledger_rule_holds(p_rule text, p_debits_posted bigint, p_credits_posted bigint,
    p_debits_pending bigint, p_credits_pending bigint) returns boolean language sql immutable parallel safe as $$
  select case p_rule
    when 'debits_must_not_exceed_credits' then p_debits_posted + p_debits_pending <= p_credits_posted
    when 'credits_must_not_exceed_debits' then p_credits_posted + p_credits_pending <= p_debits_posted
    else true end
$$;`;

const TRY_MOVE = `create or replace function ledger_try_move(p_account uuid, p_shard smallint, p_debits_posted bigint,
    p_credits_posted bigint, p_debits_pending bigint, p_credits_pending bigint) returns bigint language plpgsql as $$
  declare v_available bigint;
  begin
    update ledger_balance b set
      debits_posted = b.debits_posted + p_debits_posted, credits_posted = b.credits_posted + p_credits_posted,
      debits_pending = b.debits_pending + p_debits_pending, credits_pending = b.credits_pending + p_credits_pending
    where b.account_id = p_account and b.shard = p_shard
      and ledger_rule_holds(b.rule, b.debits_posted + p_debits_posted, b.credits_posted + p_credits_posted,
        b.debits_pending + p_debits_pending, b.credits_pending + p_credits_pending);
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

/** Entry i moves amounts[i] from debits[i] to credits[i]: one entry, two lines. PL/pgSQL keeps its plans. */
const RECORD_ENTRIES = `create function ledger_record_entries(p_entries uuid[], p_debits uuid[], p_credits uuid[],
    p_amounts bigint[], p_currencies text[], p_kind text, p_references text[], p_descriptions text[])
  returns void language plpgsql as $$
  begin
    insert into journal_entry (id, kind, reference, description, created_at)
      select e.id, p_kind, e.reference, e.description, now()
      from unnest(p_entries, p_references, p_descriptions) as e(id, reference, description);
    insert into journal_line (entry_id, account_id, currency, amount, created_at)
      select e.id, l.account, e.currency, l.amount, now()
      from unnest(p_entries, p_debits, p_credits, p_amounts, p_currencies) as e(id, debit, credit, amount, currency)
      cross join lateral (values (e.debit, e.amount), (e.credit, -e.amount)) as l(account, amount);
  end $$;`;

const RECORD_ENTRY = `create or replace function ledger_record_entry(p_debit uuid, p_credit uuid, p_amount bigint,
    p_currency text, p_kind text, p_reference text, p_description text) returns uuid language plpgsql as $$
  declare v_entry uuid := gen_random_uuid();
  begin
    perform ledger_record_entries(array[v_entry], array[p_debit], array[p_credit], array[p_amount], array[p_currency],
      p_kind, array[p_reference], array[p_description]);
    return v_entry;
  end $$;`;

export class Migration0008EntriesInSets extends Migration {
  override async up(): Promise<void> {
    this.addSql(RULE_HOLDS);
    this.addSql(TRY_MOVE);
    this.addSql(RECORD_ENTRIES);
    this.addSql(RECORD_ENTRY);
  }
}
