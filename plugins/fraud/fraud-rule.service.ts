import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import {
  isUuid,
  type Logger,
  Merchant,
  NotFoundError,
  type OperatorContext,
  query,
  ValidationError,
} from '../../core/plugin-api.ts';
import { BUILT_IN_RULES } from './built-in-rules.ts';
import { FraudRuleInvalidError } from './fraud.errors.ts';
import { RuleLanguageError } from './fraud-rule-language.ts';
import { type CompiledRule, compileRule, type FraudRuleVersion, type RuleAction } from './fraud-rules.ts';

export interface FraudRuleInput {
  merchantId?: string | null;
  name?: string | null;
  action?: RuleAction | null;
  expression?: string | null;
  reason?: string | null;
  score?: number | null;
  enabled?: boolean | null;
}

interface Row {
  id: string;
  version: number;
  merchant_id: string | null;
  name: string;
  action: RuleAction;
  expression: string;
  reason: string;
  score: number;
  enabled: boolean;
  created_at: Date | string;
  created_by: string;
}

const toRule = (row: Row): FraudRuleVersion => ({
  id: row.id,
  version: Number(row.version),
  merchantId: row.merchant_id,
  name: row.name,
  action: row.action,
  expression: row.expression,
  reason: row.reason,
  score: Number(row.score),
  enabled: row.enabled,
  createdAt: new Date(row.created_at),
  createdBy: row.created_by,
});

const LATEST = `select distinct on (id) * from fraud_rule_version order by id, version desc`;

/**
 * Fraud rules: saved by operators through GraphQL, one row per version (append-only, so a
 * decision's rule versions stay readable), checked on save. The decision path compiles the
 * latest versions once and recompiles when the number of stored versions changes: every
 * decision's statement reads that number, so a save applies at once in every process.
 */
export class FraudRuleService {
  readonly #log: Logger;
  #cache: { versions: number; rules: Promise<readonly CompiledRule[]> } | undefined;

  constructor(log: Logger) {
    this.#log = log;
  }

  /** Stores the built-in rules as version 1, leaving any later version alone. */
  async seedBuiltIns(em: EntityManager): Promise<void> {
    for (const rule of BUILT_IN_RULES) await this.#insert(em, rule, 'on conflict do nothing');
  }

  compiled(em: EntityManager, versions: number): Promise<readonly CompiledRule[]> {
    if (this.#cache?.versions !== versions) {
      const rules = query<Row>(em, LATEST).then((rows) => rows.flatMap((row) => this.#compile(toRule(row))));
      this.#cache = { versions, rules };
      rules.catch(() => {
        if (this.#cache?.rules === rules) this.#cache = undefined;
      });
    }
    return this.#cache.rules;
  }

  /**
   * Every stored version was checked on save; one that no longer compiles (a new CEL library
   * reading it differently) is left out and logged, rather than failing every payment.
   */
  #compile(rule: FraudRuleVersion): CompiledRule[] {
    try {
      return [compileRule(rule)];
    } catch (error) {
      this.#log.error(
        { ruleId: rule.id, version: rule.version, err: error },
        'fraud rule does not compile: skipped',
      );
      return [];
    }
  }

  async list(ctx: OperatorContext, merchantId: string | null): Promise<FraudRuleVersion[]> {
    const rows = await query<Row>(
      ctx.em,
      `select * from (${LATEST}) r where ?::uuid is null or r.merchant_id is null or r.merchant_id = ?::uuid
       order by r.name, r.id`,
      [merchantId, merchantId],
    );
    return rows.map(toRule);
  }

  async versions(ctx: OperatorContext, id: string): Promise<FraudRuleVersion[]> {
    if (!isUuid(id)) return [];
    const rows = await query<Row>(ctx.em, 'select * from fraud_rule_version where id = ? order by version', [
      id,
    ]);
    return rows.map(toRule);
  }

  async create(ctx: OperatorContext, input: FraudRuleInput): Promise<FraudRuleVersion> {
    const rule: FraudRuleVersion = {
      id: randomUUID(),
      version: 1,
      merchantId: input.merchantId ?? null,
      name: required(input.name, 'name'),
      action: required(input.action, 'action'),
      expression: required(input.expression, 'expression'),
      reason: required(input.reason, 'reason'),
      score: input.score ?? defaultScore(required(input.action, 'action')),
      enabled: input.enabled ?? true,
      createdAt: new Date(),
      createdBy: `operator:${ctx.principal.keyId}`,
    };
    await this.#check(ctx.em, rule);
    await this.#insert(ctx.em, rule);
    ctx.log.info({ ruleId: rule.id, version: 1 }, 'fraud rule created');
    return rule;
  }

  /** A new version with the given fields changed; two saves at once cannot both take a number. */
  async update(ctx: OperatorContext, id: string, input: FraudRuleInput): Promise<FraudRuleVersion> {
    const latest = (await this.versions(ctx, id)).at(-1);
    if (!latest) throw new NotFoundError('FraudRule', id);
    const rule: FraudRuleVersion = {
      ...latest,
      version: latest.version + 1,
      ...(input.merchantId !== undefined ? { merchantId: input.merchantId } : {}),
      name: input.name ?? latest.name,
      action: input.action ?? latest.action,
      expression: input.expression ?? latest.expression,
      reason: input.reason ?? latest.reason,
      score: input.score ?? latest.score,
      enabled: input.enabled ?? latest.enabled,
      createdAt: new Date(),
      createdBy: `operator:${ctx.principal.keyId}`,
    };
    await this.#check(ctx.em, rule);
    const inserted = await this.#insert(ctx.em, rule, 'on conflict do nothing');
    if (!inserted) {
      throw new ValidationError(
        'id',
        'the rule was changed meanwhile: read it again and save on its latest version',
      );
    }
    ctx.log.info({ ruleId: id, version: rule.version }, 'fraud rule updated');
    return rule;
  }

  async #check(em: EntityManager, rule: FraudRuleVersion): Promise<void> {
    text(rule.name, 'name', 100);
    text(rule.reason, 'reason', 200);
    text(rule.expression, 'expression', 2000);
    if (!Number.isInteger(rule.score) || rule.score < 0 || rule.score > 100) {
      throw new ValidationError('score', 'score must be an integer from 0 to 100');
    }
    if (rule.merchantId !== null) {
      const merchant = isUuid(rule.merchantId) ? await em.findOne(Merchant, { id: rule.merchantId }) : null;
      if (!merchant) throw new NotFoundError('Merchant', rule.merchantId);
    }
    try {
      compileRule(rule);
    } catch (error) {
      if (error instanceof RuleLanguageError) throw new FraudRuleInvalidError(rule.expression, error.message);
      throw error;
    }
  }

  async #insert(em: EntityManager, rule: FraudRuleVersion, conflict = ''): Promise<boolean> {
    const rows = await query(
      em,
      `insert into fraud_rule_version (id, version, merchant_id, name, action, expression, reason, score, enabled,
         created_at, created_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${conflict} returning id`,
      [
        rule.id,
        rule.version,
        rule.merchantId,
        rule.name,
        rule.action,
        rule.expression,
        rule.reason,
        rule.score,
        rule.enabled,
        rule.createdAt,
        rule.createdBy,
      ],
    );
    return rows.length > 0;
  }
}

/** The risk a rule stands for when its author gives none (Radar: 65 elevated, 75 highest). */
function defaultScore(action: RuleAction): number {
  return { allow: 0, challenge: 65, review: 70, block: 90 }[action];
}

function required<T>(value: T | null | undefined, field: string): T {
  if (value === null || value === undefined) throw new ValidationError(field, `${field} is required`);
  return value;
}

function text(value: string, field: string, max: number): void {
  if (value.trim().length === 0 || value.length > max) {
    throw new ValidationError(field, `${field} must be 1 to ${max} characters`);
  }
}
