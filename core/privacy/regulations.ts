import { GatewayError } from '../../schema/errors.ts';
import { BootError } from '../boot-error.ts';
import { type ApplicableLaw, applicableLaws, covers } from './jurisdiction.ts';
import type { DeclaredRegulationPack, RegulationPack } from './regulation-pack.ts';

/** Every installed plugin's pack, in plugin order; two packs of one name cannot happen (plugin names are unique). */
export class RegulationRegistry {
  readonly #packs: DeclaredRegulationPack[] = [];

  add(plugin: string, pack: RegulationPack | undefined, perMerchant: boolean): void {
    if (!pack) return;
    if (!perMerchant) {
      throw new BootError({
        plugin,
        problem: 'it contributes a regulation pack but is not switched per merchant',
        fix: 'declare `enablement: { perMerchant: true, default: "on" }` so operators can switch the pack per merchant',
      });
    }
    this.#packs.push({ ...pack, name: plugin });
  }

  list(): readonly DeclaredRegulationPack[] {
    return this.#packs;
  }
}

/** A pack that applies to the subject, and why. */
export interface ApplyingPack extends ApplicableLaw {
  readonly pack: DeclaredRegulationPack;
  /** Whether the merchant has the pack switched on; null when no merchant was named. */
  readonly enabled: boolean | null;
}

/**
 * The subject lives (or the merchant is established) where an installed pack applies, and the
 * operator switched that pack off for the merchant. The documented default (docs/privacy.md,
 * "When a pack is off"): refuse what would need the law's rules, rather than guess them.
 */
export class RegulationPackDisabled extends GatewayError {
  readonly law: string;
  readonly jurisdiction: string;

  constructor(law: string, jurisdiction: string) {
    super(
      'REGULATION_PACK_DISABLED',
      `The "${law}" pack applies to ${jurisdiction} and is switched off for this merchant: an operator must enable it first`,
    );
    this.law = law;
    this.jurisdiction = jurisdiction;
  }
}

/**
 * Which packs apply, the one seam through which plugins read the law: consent asks it for the
 * consent model and children's ages, breaches for the clocks, subject requests for deadlines.
 */
export class Regulations {
  readonly #packs: () => readonly DeclaredRegulationPack[];
  readonly #isEnabled: (plugin: string, merchantId: string) => boolean;

  constructor(
    packs: () => readonly DeclaredRegulationPack[],
    isEnabled: (plugin: string, merchantId: string) => boolean,
  ) {
    this.#packs = packs;
    this.#isEnabled = isEnabled;
  }

  installed(): readonly DeclaredRegulationPack[] {
    return this.#packs();
  }

  /** The installed packs that apply to a subject in `jurisdiction` of a merchant established in `establishment`. */
  applying(
    where: { jurisdiction: string | null; establishment: string | null },
    merchantId: string | null,
  ): readonly ApplyingPack[] {
    const packs = this.#packs();
    const byName = new Map(packs.map((p) => [p.name, p]));
    return applicableLaws(packs, where, where).map((law) => ({
      ...law,
      pack: byName.get(law.name)!,
      enabled: merchantId === null ? null : this.#isEnabled(law.name, merchantId),
    }));
  }

  /**
   * The packs whose rules the merchant must follow for this subject. Throws
   * RegulationPackDisabled when one that applies is switched off for the merchant.
   */
  enforced(
    merchantId: string,
    subject: { jurisdiction: string | null; merchantCountry: string | null },
  ): readonly DeclaredRegulationPack[] {
    const applying = this.applying(
      { jurisdiction: subject.jurisdiction, establishment: subject.merchantCountry },
      merchantId,
    );
    const off = applying.find((a) => a.enabled === false);
    if (off) {
      const where = off.because === 'residence' ? subject.jurisdiction : subject.merchantCountry;
      throw new RegulationPackDisabled(off.name, where ?? 'unknown');
    }
    return applying.map((a) => a.pack);
  }

  /** The enabled packs that apply, without refusing: for reads and withdrawals, which a switched-off pack never blocks. */
  enabledFor(
    merchantId: string,
    subject: { jurisdiction: string | null; merchantCountry: string | null },
  ): readonly DeclaredRegulationPack[] {
    return this.applying(
      { jurisdiction: subject.jurisdiction, establishment: subject.merchantCountry },
      merchantId,
    )
      .filter((a) => a.enabled)
      .map((a) => a.pack);
  }

  /**
   * The packs whose subjects a notice for `territories` reaches (every pack when it names none,
   * as such a notice is for everyone). Throws RegulationPackDisabled for a named territory whose
   * pack is switched off for the merchant.
   */
  forTerritories(merchantId: string, territories: readonly string[]): readonly DeclaredRegulationPack[] {
    const out: DeclaredRegulationPack[] = [];
    for (const pack of this.#packs()) {
      const reached = territories.find((t) => pack.territories.some((p) => covers(p, t) || covers(t, p)));
      const enabled = this.#isEnabled(pack.name, merchantId);
      if (reached !== undefined && !enabled) throw new RegulationPackDisabled(pack.name, reached);
      if (enabled && (territories.length === 0 || reached !== undefined)) out.push(pack);
    }
    return out;
  }
}
