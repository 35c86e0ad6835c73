import { covers } from './jurisdiction.ts';
import type { ChildRule, RegulationRules } from './regulation-pack.ts';

/**
 * The children's rules of a pack that apply to a subject living in `jurisdiction`: a national
 * row that covers it replaces the pack's general rows for the same consents (a member state's
 * age under GDPR Art. 8(1)); elsewhere, or with no known residence (a subject reached only
 * through the merchant's establishment), the general rows apply, which are the strictest.
 */
export function childRulesFor(rules: RegulationRules, jurisdiction: string | null): readonly ChildRule[] {
  const national = rules.children.filter(
    (rule) =>
      rule.territories !== undefined &&
      jurisdiction !== null &&
      rule.territories.some((territory) => covers(territory, jurisdiction)),
  );
  const replaced = new Set(national.map((rule) => rule.covers));
  return [
    ...rules.children.filter((rule) => rule.territories === undefined && !replaced.has(rule.covers)),
    ...national,
  ];
}
