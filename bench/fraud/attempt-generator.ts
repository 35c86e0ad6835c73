/**
 * A seeded, labelled generator of payment attempts, in the spirit of PaySim (shared/REFERENCE.md):
 * agents act over four weeks, honest customers overlapping the way real ones do (households on one
 * IP, PC-bang seats shared by strangers, carrier CGNAT putting thousands behind a few addresses,
 * bulk gift buyers, travellers), and five kinds of fraud (cash-out rings, card testing, account
 * takeover, new accounts maxing the carrier cap, mule redeemers). Not part of the gateway: the
 * replay (`gateway fraud replay`) and `npm run fraud:eval` read what it writes.
 *
 * The same seed and count give the same attempts, byte for byte (test/bench/fraud-generator.test.ts).
 */

/** One replay input line: exactly the fields issue 13 specifies. */
export interface GeneratedAttempt {
  id: string;
  ts: string;
  merchantId: string;
  merchantCategory: string;
  customerId: string;
  customerCreatedAt: string;
  jurisdiction: string;
  currency: string;
  amount: number;
  method: 'carrier_billing' | 'wallet' | 'card';
  instrument: string;
  deviceId: string;
  ip: string;
  recipient: string | null;
}

export const FRAUD_KINDS = [
  'cash_out_ring',
  'card_testing',
  'account_takeover',
  'new_account_cap',
  'mule_redeemer',
] as const;
export type FraudKind = (typeof FRAUD_KINDS)[number];

/** The evaluation's truth for one attempt, in a file of its own. */
export interface AttemptLabel {
  id: string;
  fraud: boolean;
  /** The fraud scenario, or the honest profile that made it (`household`, `bulk_gift`, ...). */
  kind: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;
const MINUTE = 60_000;
export const SIMULATION_START = Date.UTC(2026, 9, 1);
export const SIMULATION_DAYS = 28;
const END = SIMULATION_START + SIMULATION_DAYS * DAY;
/** The share of attempts that are fraud; of those, about 40 % cash-out rings, 15 % each of the other kinds. */
const FRAUD_SHARE = 0.03;

/** mulberry32: a small, fast, well-known 32-bit PRNG; enough for simulation, not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

class Dice {
  readonly next: () => number;
  constructor(next: () => number) {
    this.next = next;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  between(from: number, to: number): number {
    return from + Math.floor(this.next() * (to - from));
  }
}

const JURISDICTIONS = [
  { jurisdiction: 'KR', currency: 'KRW', weight: 0.85, krwPerUnit: 1 },
  { jurisdiction: 'US', currency: 'USD', weight: 0.08, krwPerUnit: 13 }, // cents
  { jurisdiction: 'JP', currency: 'JPY', weight: 0.07, krwPerUnit: 9 },
] as const;
type Home = (typeof JURISDICTIONS)[number];

const MERCHANTS: Record<string, number> = {
  gift_card: 6,
  prepaid: 3,
  game: 10,
  digital_content: 8,
  physical_goods: 8,
  services: 4,
  other: 3,
};

/** Face values in KRW; converted to the customer's currency. */
const PRICES: Record<string, readonly number[]> = {
  gift_card: [5_000, 10_000, 30_000, 50_000, 100_000],
  prepaid: [10_000, 30_000, 50_000],
  game: [1_100, 3_300, 5_500, 11_000, 33_000, 55_000],
  digital_content: [1_200, 2_500, 4_900, 9_900, 14_900],
  physical_goods: [8_900, 15_000, 23_500, 39_000, 72_000, 129_000],
  services: [5_000, 12_000, 25_000, 49_000],
  other: [3_000, 7_000, 20_000],
};

const HONEST_CATEGORIES: readonly (readonly [string, number])[] = [
  ['game', 0.3],
  ['digital_content', 0.22],
  ['physical_goods', 0.18],
  ['gift_card', 0.1],
  ['services', 0.1],
  ['prepaid', 0.05],
  ['other', 0.05],
];

interface Customer {
  readonly id: string;
  readonly createdAt: number;
  readonly home: Home;
  readonly device: string;
  readonly householdDevice: string | null;
  readonly homeIp: string;
  readonly carrier: number;
  readonly phone: string;
  readonly wallet: string;
  readonly cards: readonly string[];
  readonly method: GeneratedAttempt['method'];
  readonly profile: 'regular' | 'gamer' | 'bulk_gift' | 'traveller';
}

interface Draft extends Omit<GeneratedAttempt, 'id' | 'ts' | 'customerCreatedAt'> {
  at: number;
  createdAt: number;
  fraud: boolean;
  kind: string;
}

/** Carrier CGNAT: each carrier's mobile customers leave through a small pool of addresses. */
const cgnatIp = (dice: Dice, carrier: number) => `39.7.${carrier}.${dice.int(1, 48)}`;

export class AttemptGenerator {
  readonly #dice: Dice;
  readonly #drafts: Draft[] = [];
  readonly #customers: Customer[] = [];
  #seq = 0;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed;
    this.#dice = new Dice(seededRandom(seed));
  }

  /** `count` attempts in time order with their labels; about FRAUD_SHARE of them fraud. */
  generate(count: number): { attempts: GeneratedAttempt[]; labels: AttemptLabel[] } {
    this.#population(Math.max(20, Math.round(count / 12)));
    const fraudTarget = Math.round(count * FRAUD_SHARE);
    const scenarios = [
      () => this.#cashOutRing(),
      () => this.#cardTesting(),
      () => this.#accountTakeover(),
      () => this.#newAccountCap(),
      () => this.#muleRedeemer(),
    ];
    // Per scenario run, so that each kind makes about its share of the fraud attempts (above).
    const weights = [0.0042, 0.0047, 0.023, 0.0107, 0.0058];
    while (this.#drafts.length < fraudTarget) scenarios[this.#weighted(weights)]?.();
    this.#drafts.length = Math.min(this.#drafts.length, count);
    while (this.#drafts.length < count) this.#honest();
    this.#drafts.sort((a, b) => a.at - b.at);
    const attempts: GeneratedAttempt[] = [];
    const labels: AttemptLabel[] = [];
    this.#drafts.forEach((d, n) => {
      const id = `s${this.seed}-${n.toString().padStart(7, '0')}`;
      const { at, createdAt, fraud, kind, ...rest } = d;
      attempts.push({
        id,
        ts: new Date(at).toISOString(),
        merchantId: rest.merchantId,
        merchantCategory: rest.merchantCategory,
        customerId: rest.customerId,
        customerCreatedAt: new Date(createdAt).toISOString(),
        jurisdiction: rest.jurisdiction,
        currency: rest.currency,
        amount: rest.amount,
        method: rest.method,
        instrument: rest.instrument,
        deviceId: rest.deviceId,
        ip: rest.ip,
        recipient: rest.recipient,
      });
      labels.push({ id, fraud, kind });
    });
    return { attempts, labels };
  }

  #weighted(weights: readonly number[]): number {
    let u = this.#dice.next() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  #home(): Home {
    return JURISDICTIONS[this.#weighted(JURISDICTIONS.map((j) => j.weight))] as Home;
  }

  #newCustomer(createdAt: number, household: { ip: string; device: string | null } | null): Customer {
    const dice = this.#dice;
    const n = this.#seq++;
    const home = this.#home();
    const method =
      home.jurisdiction === 'KR'
        ? (['carrier_billing', 'wallet', 'card'] as const)[this.#weighted([0.5, 0.3, 0.2])]
        : (['wallet', 'card'] as const)[this.#weighted([0.3, 0.7])];
    const profile = (['regular', 'gamer', 'bulk_gift', 'traveller'] as const)[
      this.#weighted([0.755, 0.2, 0.01, 0.035])
    ];
    return {
      id: `cus_${this.seed}_${n}`,
      createdAt,
      home,
      device: `dev_${n}`,
      householdDevice: household?.device ?? null,
      homeIp: household?.ip ?? `121.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`,
      carrier: dice.int(0, 2),
      phone: `phone_${n}`,
      wallet: `wal_${n}`,
      cards: Array.from({ length: dice.int(1, 2) }, (_, k) => `card_${n}_${k}`),
      method: method ?? 'card',
      profile: profile ?? 'regular',
    };
  }

  /** Households of one to four people behind one home IP, some sharing a tablet. */
  #population(size: number): void {
    const dice = this.#dice;
    while (this.#customers.length < size) {
      const members = dice.int(1, 4);
      const ip = `121.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`;
      const device = members > 1 && dice.chance(0.3) ? `tab_${this.#seq}` : null;
      for (let m = 0; m < members; m++) {
        // Most accounts are old; a few open during the simulated weeks.
        const createdAt = dice.chance(0.05)
          ? dice.between(SIMULATION_START, END - DAY)
          : SIMULATION_START - dice.int(30, 1500) * DAY;
        this.#customers.push(this.#newCustomer(createdAt, { ip, device }));
      }
    }
  }

  #price(category: string, home: Home): number {
    const krw = this.#dice.pick(PRICES[category] ?? [10_000]);
    return Math.max(1, Math.round(krw / home.krwPerUnit));
  }

  #merchant(category: string): string {
    return `mer_${category}_${this.#dice.int(1, MERCHANTS[category] ?? 1)}`;
  }

  #instrument(c: Customer, method: GeneratedAttempt['method']): string {
    if (method === 'carrier_billing') return c.phone;
    if (method === 'wallet') return c.wallet;
    return this.#dice.pick(c.cards);
  }

  #push(c: Customer, at: number, fields: Partial<Draft> & { merchantCategory: string }): void {
    const method = fields.method ?? c.method;
    this.#drafts.push({
      at,
      createdAt: c.createdAt,
      fraud: false,
      kind: c.profile,
      merchantId: this.#merchant(fields.merchantCategory),
      customerId: c.id,
      jurisdiction: c.home.jurisdiction,
      currency: c.home.currency,
      amount: this.#price(fields.merchantCategory, c.home),
      method,
      instrument: this.#instrument(c, method),
      deviceId: c.device,
      ip: this.#dice.chance(0.5) ? c.homeIp : cgnatIp(this.#dice, c.carrier),
      recipient: null,
      ...fields,
    });
  }

  /** One honest attempt (or a bulk buyer's session): heavy users act more often. */
  #honest(): void {
    const dice = this.#dice;
    const c = this.#customers[Math.floor(this.#customers.length * dice.next() ** 2)] as Customer;
    const at = dice.between(Math.max(SIMULATION_START, c.createdAt + 10 * MINUTE), END);
    const category = HONEST_CATEGORIES[this.#weighted(HONEST_CATEGORIES.map(([, w]) => w))]?.[0] ?? 'other';
    if (c.profile === 'bulk_gift' && dice.chance(0.3)) {
      // A company's gifts: the same voucher for each of many colleagues, minutes apart.
      const amount = this.#price('gift_card', c.home);
      const n = dice.int(3, 12);
      for (let k = 0; k < n; k++) {
        this.#push(c, at + k * dice.int(20_000, 4 * MINUTE), {
          merchantCategory: 'gift_card',
          amount,
          recipient: `rcp_gift_${c.id}_${dice.int(0, 40)}`,
          kind: 'bulk_gift',
        });
      }
      return;
    }
    if (c.profile === 'gamer' && dice.chance(0.3)) {
      // A PC-bang seat: a device and an IP shared with every stranger who sat there this week.
      const bang = dice.int(0, 39);
      this.#push(c, at, {
        merchantCategory: 'game',
        deviceId: `pcbang_${bang}_${dice.int(0, 29)}`,
        ip: `175.223.${bang}.1`,
        kind: 'pc_bang',
      });
      return;
    }
    const fields: Partial<Draft> & { merchantCategory: string } = { merchantCategory: category };
    if (c.profile === 'traveller' && dice.chance(0.3)) {
      fields.ip = `203.0.${dice.int(0, 255)}.${dice.int(1, 254)}`;
      fields.kind = 'traveller';
    }
    if (c.householdDevice && dice.chance(0.3)) {
      fields.deviceId = c.householdDevice;
      fields.ip = c.homeIp;
      fields.kind = 'household';
    }
    // Gift cards and vouchers are often sent to a friend's phone.
    if ((category === 'gift_card' || category === 'prepaid') && dice.chance(0.3)) {
      fields.recipient = this.#dice.pick(this.#customers).phone;
    }
    this.#push(c, at, fields);
  }

  #fraudCustomer(createdAt: number): Customer {
    const c = this.#newCustomer(createdAt, null);
    return { ...c, home: JURISDICTIONS[0], method: 'carrier_billing', profile: 'regular' };
  }

  /**
   * A cash-out ring: accounts (mostly days old) on a few shared phones, buying the same vouchers
   * up to the carrier cap within hours, the PINs sent to one or two redeemers.
   */
  #cashOutRing(): void {
    const dice = this.#dice;
    const ring = this.#seq++;
    const start = dice.between(SIMULATION_START + DAY, END - 4 * DAY);
    const devices = Array.from({ length: dice.int(1, 3) }, (_, k) => `ring_dev_${ring}_${k}`);
    const ips = Array.from({ length: dice.int(1, 2) }, () => cgnatIp(dice, dice.int(0, 2)));
    const redeemers = Array.from({ length: dice.int(1, 2) }, (_, k) => `rcp_ring_${ring}_${k}`);
    const accounts = dice.int(4, 12);
    for (let a = 0; a < accounts; a++) {
      const createdAt = dice.chance(0.7) ? start - dice.int(1, 72) * HOUR : start - dice.int(60, 900) * DAY;
      const c = this.#fraudCustomer(createdAt);
      const face = dice.pick([30_000, 50_000, 100_000]);
      const cap = dice.pick([500_000, 600_000, 1_000_000]);
      let at = start + dice.int(0, 3 * DAY);
      for (let spent = 0; spent + face <= cap; spent += face) {
        at += dice.int(MINUTE, 25 * MINUTE);
        this.#push(c, at, {
          merchantCategory: dice.chance(0.85) ? 'gift_card' : 'game',
          amount: face,
          deviceId: dice.pick(devices),
          ip: dice.pick(ips),
          recipient: dice.chance(0.8) ? dice.pick(redeemers) : null,
          fraud: true,
          kind: 'cash_out_ring',
        });
      }
    }
  }

  /** Card testing: one device, many stolen card numbers, small amounts, seconds apart. */
  #cardTesting(): void {
    const dice = this.#dice;
    const t = this.#seq++;
    const c = { ...this.#fraudCustomer(dice.between(SIMULATION_START, END - DAY)), method: 'card' as const };
    const ip = dice.chance(0.5)
      ? `45.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`
      : cgnatIp(dice, 1);
    let at = c.createdAt + dice.int(5, 120) * MINUTE;
    const n = dice.int(15, 50);
    for (let k = 0; k < n; k++) {
      at += dice.int(5_000, 90_000);
      this.#push(c, at, {
        merchantCategory: 'digital_content',
        amount: dice.pick([1_000, 1_200, 1_500]),
        instrument: `stolen_card_${t}_${k}`,
        deviceId: `tester_dev_${t}`,
        ip,
        fraud: true,
        kind: 'card_testing',
      });
    }
  }

  /** Account takeover: an honest account on a new device buys vouchers sent to the attacker. */
  #accountTakeover(): void {
    const dice = this.#dice;
    const victim = dice.pick(this.#customers.filter((c) => c.home.jurisdiction === 'KR'));
    const t = this.#seq++;
    let at = dice.between(Math.max(SIMULATION_START, victim.createdAt + DAY), END - HOUR);
    const device = `ato_dev_${t}`;
    const ip = dice.chance(0.5)
      ? `185.${dice.int(0, 255)}.${dice.int(0, 255)}.${dice.int(1, 254)}`
      : cgnatIp(dice, 2);
    const n = dice.int(3, 10);
    for (let k = 0; k < n; k++) {
      at += dice.int(2 * MINUTE, 20 * MINUTE);
      this.#push(victim, at, {
        merchantCategory: 'gift_card',
        amount: dice.pick([50_000, 100_000]),
        deviceId: device,
        ip,
        recipient: `rcp_ato_${t}`,
        fraud: true,
        kind: 'account_takeover',
      });
    }
  }

  /** A new account spends the whole carrier cap on cash equivalents on its first day. */
  #newAccountCap(): void {
    const dice = this.#dice;
    const c = this.#fraudCustomer(dice.between(SIMULATION_START, END - DAY));
    let at = c.createdAt + dice.int(5, 360) * MINUTE;
    const cap = dice.pick([500_000, 600_000, 1_000_000]);
    const recipient = dice.chance(0.5) ? `rcp_new_${c.id}` : null;
    for (let spent = 0; spent < cap; ) {
      const face = dice.pick([10_000, 30_000, 50_000, 100_000]);
      spent += face;
      at += dice.int(3 * MINUTE, 90 * MINUTE);
      this.#push(c, at, {
        merchantCategory: dice.chance(0.7) ? 'gift_card' : 'game',
        amount: face,
        ip: cgnatIp(dice, c.carrier),
        recipient,
        fraud: true,
        kind: 'new_account_cap',
      });
    }
  }

  /** A mule redeemer: recruited or fake payers, each on their own phone, send vouchers to one number. */
  #muleRedeemer(): void {
    const dice = this.#dice;
    const mule = `rcp_mule_${this.#seq++}`;
    const start = dice.between(SIMULATION_START, END - 5 * DAY);
    const payers = dice.int(6, 20);
    for (let p = 0; p < payers; p++) {
      const c = this.#fraudCustomer(start - dice.int(1, 30) * DAY);
      let at = start + dice.int(0, 5 * DAY);
      const n = dice.int(1, 3);
      for (let k = 0; k < n; k++) {
        at += dice.int(MINUTE, 2 * HOUR);
        this.#push(c, at, {
          merchantCategory: 'gift_card',
          amount: dice.pick([30_000, 50_000, 100_000]),
          recipient: mule,
          fraud: true,
          kind: 'mule_redeemer',
        });
      }
    }
  }
}
