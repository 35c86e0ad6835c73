import type { EntityManager, FilterQuery } from '@mikro-orm/core';
import type { ResolveCursorConnectionArgs } from '@pothos/plugin-relay';
import { ValidationError } from '../../schema/errors.ts';
import { PluginSwitchAudit } from './plugin-switch-audit.entity.ts';

// The change number as a decimal string; 18 digits keep it inside PostgreSQL's bigint.
const CURSOR = /^\d{1,18}$/;

function position(arg: 'after' | 'before', cursor: string): bigint {
  if (!CURSOR.test(cursor)) throw new ValidationError(arg, 'not a plugin switch audit cursor');
  return BigInt(cursor);
}

export const auditCursor = (change: PluginSwitchAudit): string => change.id.toString();

/**
 * A page of one merchant's decisions, newest first. Keyset on the change number, so decisions
 * recorded while a client pages through do not shift its pages.
 */
export function auditPage(
  em: EntityManager,
  filter: { merchantId: string; plugin?: string | null },
  page: ResolveCursorConnectionArgs,
): Promise<PluginSwitchAudit[]> {
  const where: FilterQuery<PluginSwitchAudit>[] = [{ merchant: filter.merchantId }];
  if (filter.plugin) where.push({ plugin: filter.plugin });
  if (page.after) where.push({ id: { $lt: position('after', page.after) } });
  if (page.before) where.push({ id: { $gt: position('before', page.before) } });
  const direction = page.inverted ? 'asc' : 'desc';
  return em.find(PluginSwitchAudit, { $and: where }, { orderBy: { id: direction }, limit: page.limit });
}
