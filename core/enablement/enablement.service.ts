import type { MikroORM } from '@mikro-orm/core';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import { Merchant } from '../auth/merchant.entity.ts';
import { canSeeMerchant } from '../auth/principal.ts';
import type { OperatorContext, RequestContext } from '../context.ts';
import type { HookRunner } from '../hooks.ts';
import type { Logger } from '../logging.ts';
import { isUuid } from '../uuid.ts';
import { auditPage } from './audit-page.ts';
import { PluginSwitch } from './plugin-switch.entity.ts';
import { MAX_REASON_LENGTH, type PluginSwitchAudit } from './plugin-switch-audit.entity.ts';
import { recordChange } from './record-change.ts';
import { SwitchPropagation } from './switch-propagation.ts';
import type { Switchboard } from './switchboard.ts';

export interface SetPluginEnabled {
  merchantId: string;
  plugin: string;
  enabled: boolean;
  reason: string;
}

/** A per-merchant plugin's state for one merchant. */
export interface PluginSwitchView {
  merchantId: string;
  plugin: string;
  enabled: boolean;
  defaultEnabled: boolean;
  /** The operator decision in force; null while the default applies. */
  lastChange: PluginSwitchAudit | null;
}

/**
 * Installed versus enabled: which per-merchant plugins are on for which merchant. `isEnabled` is
 * answered from memory (see Switchboard); changes are made by operators, audited, and reach every
 * gateway process at once (see SwitchPropagation).
 */
export class EnablementService {
  readonly #board: Switchboard;
  readonly #installed: ReadonlySet<string>;
  readonly #switched: HookRunner<'plugin.switched', void>;
  readonly #propagation: SwitchPropagation;

  constructor(options: {
    board: Switchboard;
    installed: ReadonlySet<string>;
    switched: HookRunner<'plugin.switched', void>;
    orm: MikroORM;
    log: Logger;
  }) {
    this.#board = options.board;
    this.#installed = options.installed;
    this.#switched = options.switched;
    this.#propagation = new SwitchPropagation(options.board, options.orm, options.log);
  }

  /** Synchronous and cheap: the hook bus asks it for every handler. Plugins without `enablement` are always on. */
  isEnabled(plugin: string, merchantId: string): boolean {
    return this.#board.isEnabled(plugin, merchantId);
  }

  /**
   * Records an operator's decision, also one that confirms the current state: it still pins the
   * merchant (a later change of the plugin's default no longer applies to it) and belongs in the
   * audit. Commits its own transaction, after which this process applies the change at once.
   */
  async setEnabled(ctx: OperatorContext, input: SetPluginEnabled): Promise<PluginSwitchView> {
    const defaultEnabled = this.#board.defaultOf(input.plugin);
    if (defaultEnabled === undefined) {
      throw new ValidationError(
        'plugin',
        this.#installed.has(input.plugin)
          ? `"${input.plugin}" is not switched per merchant: it is on for every merchant while installed`
          : `no plugin "${input.plugin}" is installed`,
      );
    }
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > MAX_REASON_LENGTH)
      throw new ValidationError('reason', `reason must be 1 to ${MAX_REASON_LENGTH} characters`);
    if (!isUuid(input.merchantId)) throw new NotFoundError('Merchant', input.merchantId);
    if (ctx.em.isInTransaction())
      throw new Error('setEnabled commits its own transaction: call it outside one');
    const actor = { kind: ctx.principal.kind, keyId: ctx.principal.keyId };
    const change = await ctx.em.transactional((tx) =>
      recordChange(tx, { ...input, reason, defaultEnabled, actor, switched: this.#switched }),
    );
    const { merchantId, plugin, enabled } = input;
    this.#board.apply({ merchantId, plugin, enabled, version: change.id });
    return { merchantId, plugin, enabled, defaultEnabled, lastChange: change };
  }

  /** Every per-merchant plugin with its state for the merchant. */
  async switches(ctx: RequestContext, merchantId: string): Promise<PluginSwitchView[]> {
    await this.#assertVisible(ctx, merchantId);
    const rows = await ctx.em.find(PluginSwitch, { merchant: merchantId }, { populate: ['lastChange'] });
    const byPlugin = new Map(rows.map((row) => [row.plugin, row]));
    return this.#board.perMerchant().map(([plugin, defaultEnabled]) => {
      const row = byPlugin.get(plugin);
      return {
        merchantId,
        plugin,
        enabled: row?.enabled ?? defaultEnabled,
        defaultEnabled,
        lastChange: row?.lastChange ?? null,
      };
    });
  }

  /** The merchant's recorded decisions, newest first. */
  async audit(
    ctx: RequestContext,
    filter: { merchantId: string; plugin?: string | null },
    page: ResolveCursorConnectionArgs,
  ): Promise<PluginSwitchAudit[]> {
    await this.#assertVisible(ctx, filter.merchantId);
    return auditPage(ctx.em, filter, page);
  }

  start(): Promise<void> {
    return this.#propagation.start();
  }

  close(): Promise<void> {
    return this.#propagation.close();
  }

  /** Another merchant's id answers as an unknown one, so ids cannot be probed. */
  async #assertVisible(ctx: RequestContext, merchantId: string): Promise<void> {
    if (!isUuid(merchantId) || !canSeeMerchant(ctx.principal, merchantId))
      throw new NotFoundError('Merchant', merchantId);
    if ((await ctx.em.count(Merchant, { id: merchantId })) === 0)
      throw new NotFoundError('Merchant', merchantId);
  }
}
