/**
 * What `database-shape.ts` reads from the system catalogs, one query per kind of object, all
 * limited to the schema the migrations write into (`current_schema()`: their SQL is
 * unqualified). PostgreSQL's own deparsers (`pg_get_*def`, `format_type`, `pg_get_expr`) write
 * the text, so the snapshot says what the server stores, not what a migration happened to type.
 *
 * Every value comes back as text or boolean: the pg driver and PGlite disagree on how they
 * return `int8`, `oid` and `"char"`, and they must not make the two snapshots differ.
 */

/** Runs one statement without parameters and returns its rows. */
export type CatalogQuery = <Row>(sql: string) => Promise<Row[]>;

const IN_SCHEMA = 'n.nspname = current_schema()';

// Members of an extension belong to the extension's script, not to our migrations.
const NOT_IN_EXTENSION = (catalog: string, oid: string) =>
  `not exists (select 1 from pg_depend e where e.classid = '${catalog}'::regclass and e.objid = ${oid} and e.deptype = 'e')`;

/** The schema the migrations wrote into, quoted as an identifier if it needs to be. */
export const readSchemaName = async (query: CatalogQuery) =>
  (await query<{ name: string }>('select quote_ident(current_schema()) as name'))[0]!.name;

export interface ExtensionRow {
  name: string;
}

/** Extensions, but plpgsql, which every database has. */
export const readExtensions = (query: CatalogQuery) =>
  query<ExtensionRow>(`select extname as name from pg_extension where extname <> 'plpgsql'`);

export interface TypeRow {
  name: string;
  kind: 'enum' | 'composite' | 'domain';
  /** Enum labels, composite attributes or a domain's base type, default, NOT NULL and checks: one per line. */
  parts: string[];
}

/** Enums, composite types (not the row type of a table) and domains. */
export const readTypes = (query: CatalogQuery) =>
  query<TypeRow>(`
    select quote_ident(t.typname) as name,
      case t.typtype when 'e' then 'enum' when 'c' then 'composite' else 'domain' end as kind,
      case t.typtype
        when 'e' then array(select quote_literal(l.enumlabel) from pg_enum l
          where l.enumtypid = t.oid order by l.enumsortorder)
        when 'c' then array(select quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
          from pg_attribute a where a.attrelid = t.typrelid and a.attnum > 0 and not a.attisdropped
          order by a.attnum)
        else array_remove(array[format_type(t.typbasetype, t.typtypmod),
            'DEFAULT ' || t.typdefault, case when t.typnotnull then 'NOT NULL' end], null)
          || array(select 'CONSTRAINT ' || quote_ident(k.conname) || ' ' || pg_get_constraintdef(k.oid)
            from pg_constraint k where k.contypid = t.oid and k.contype = 'c' order by k.conname)
      end as parts
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    left join pg_class r on r.oid = t.typrelid
    where ${IN_SCHEMA} and ${NOT_IN_EXTENSION('pg_type', 't.oid')}
      and (t.typtype in ('e', 'd') or (t.typtype = 'c' and r.relkind = 'c'))`);

export interface TableRow {
  name: string;
  unlogged: boolean;
  options: string | null;
}

export const readTables = (query: CatalogQuery) =>
  query<TableRow>(`
    select quote_ident(c.relname) as name, c.relpersistence = 'u' as unlogged,
      array_to_string(c.reloptions, ', ') as options
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relkind = 'r'`);

export interface ColumnRow {
  table: string;
  name: string;
  type: string;
  default: string | null;
  notNull: boolean;
  /** '' (none), 'a' (GENERATED ALWAYS) or 'd' (BY DEFAULT). */
  identity: string;
  /** '' (none), 's' (stored) or 'v' (virtual, PostgreSQL 18). */
  generated: string;
  /** Only when it is not the type's own collation. */
  collation: string | null;
}

/** In the table's column order (attnum), which is part of its shape. */
export const readColumns = (query: CatalogQuery) =>
  query<ColumnRow>(`
    select quote_ident(c.relname) as table, quote_ident(a.attname) as name, format_type(a.atttypid, a.atttypmod) as type,
      pg_get_expr(d.adbin, d.adrelid) as default, a.attnotnull as "notNull",
      a.attidentity::text as identity, a.attgenerated::text as generated,
      case when a.attcollation <> t.typcollation then quote_ident(o.collname) end as collation
    from pg_attribute a
    join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_type t on t.oid = a.atttypid
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    left join pg_collation o on o.oid = a.attcollation
    where ${IN_SCHEMA} and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped
    order by a.attnum`);

export interface TableObjectRow {
  table: string;
  name: string;
  definition: string;
}

/**
 * Primary keys, unique, check, foreign-key and exclusion constraints. Not PostgreSQL 18's
 * NOT NULL constraints (contype 'n'): the column's NOT NULL says the same, and PostgreSQL 15
 * has no such rows.
 */
export const readConstraints = (query: CatalogQuery) =>
  query<TableObjectRow & { primary: boolean }>(`
    select quote_ident(c.relname) as table, quote_ident(k.conname) as name, pg_get_constraintdef(k.oid) as definition,
      k.contype = 'p' as primary
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relkind = 'r' and k.contype in ('p', 'u', 'c', 'f', 'x')`);

/** Indexes but those a primary key, unique or exclusion constraint creates (the constraint says it). */
export const readIndexes = (query: CatalogQuery) =>
  query<TableObjectRow>(`
    select quote_ident(c.relname) as table, i.relname as name, pg_get_indexdef(x.indexrelid) as definition
    from pg_index x join pg_class i on i.oid = x.indexrelid
    join pg_class c on c.oid = x.indrelid join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relkind = 'r'
      and not exists (select 1 from pg_constraint k
        where k.conrelid = x.indrelid and k.conindid = x.indexrelid and k.contype in ('p', 'u', 'x'))`);

/** Triggers we created (not the ones PostgreSQL adds to enforce foreign keys). */
export const readTriggers = (query: CatalogQuery) =>
  query<TableObjectRow>(`
    select quote_ident(c.relname) as table, t.tgname as name, pg_get_triggerdef(t.oid) as definition
    from pg_trigger t
    join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and not t.tgisinternal`);

export interface SequenceRow {
  name: string;
  type: string;
  start: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
  /** `table.column` of a serial or identity column, which drops the sequence with it. */
  ownedBy: string | null;
}

export const readSequences = (query: CatalogQuery) =>
  query<SequenceRow>(`
    select quote_ident(c.relname) as name, format_type(s.seqtypid, null) as type, s.seqstart::text as start,
      s.seqincrement::text as increment, s.seqmin::text as min, s.seqmax::text as max,
      s.seqcache::text as cache, s.seqcycle as cycle,
      (select quote_ident(t.relname) || '.' || quote_ident(a.attname)
        from pg_depend d join pg_class t on t.oid = d.refobjid
        join pg_attribute a on a.attrelid = d.refobjid and a.attnum = d.refobjsubid
        where d.classid = 'pg_class'::regclass and d.objid = c.oid and d.refclassid = 'pg_class'::regclass
          and d.refobjsubid > 0 and d.deptype in ('a', 'i')) as "ownedBy"
    from pg_sequence s join pg_class c on c.oid = s.seqrelid join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA}`);

export interface ViewRow {
  name: string;
  materialized: boolean;
  definition: string;
}

export const readViews = (query: CatalogQuery) =>
  query<ViewRow>(`
    select quote_ident(c.relname) as name, c.relkind = 'm' as materialized, pg_get_viewdef(c.oid, true) as definition
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relkind in ('v', 'm')`);

export interface FunctionRow {
  name: string;
  /** The argument types, which tell overloads apart. */
  arguments: string;
  definition: string;
}

/** Functions and procedures (aggregates and window functions have no `pg_get_functiondef`). */
export const readFunctions = (query: CatalogQuery) =>
  query<FunctionRow>(`
    select p.proname as name, pg_get_function_identity_arguments(p.oid) as arguments,
      pg_get_functiondef(p.oid) as definition
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where ${IN_SCHEMA} and p.prokind in ('f', 'p') and ${NOT_IN_EXTENSION('pg_proc', 'p.oid')}`);

export interface UnprintedRow {
  object: string;
}

/**
 * What the migrations could create that the queries above do not read: a partitioned or
 * foreign table, an aggregate, a range type, another schema, row-level security. Listed so the
 * snapshot refuses to be printed rather than leave them out without a word.
 */
export const readUnprinted = (query: CatalogQuery) =>
  query<UnprintedRow>(`
    select format('%s (relkind %s)', c.relname, c.relkind) as object
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relkind not in ('r', 'i', 'S', 'v', 'm', 'c')
    union all
    select format('%s (relation with row-level security)', c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where ${IN_SCHEMA} and c.relrowsecurity
    union all
    select format('%s (prokind %s)', p.proname, p.prokind)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where ${IN_SCHEMA} and p.prokind not in ('f', 'p') and ${NOT_IN_EXTENSION('pg_proc', 'p.oid')}
    union all
    select format('%s (typtype %s)', t.typname, t.typtype)
    from pg_type t join pg_namespace n on n.oid = t.typnamespace
    where ${IN_SCHEMA} and t.typtype not in ('b', 'c', 'd', 'e') and ${NOT_IN_EXTENSION('pg_type', 't.oid')}
    union all
    select format('schema %s', n.nspname)
    from pg_namespace n
    where n.nspname <> current_schema() and n.nspname <> 'information_schema' and n.nspname not like 'pg\\_%'
      and ${NOT_IN_EXTENSION('pg_namespace', 'n.oid')}`);
