export const CARD_BRANDS = ['visa', 'mastercard', 'amex'] as const;
export type CardBrand = (typeof CARD_BRANDS)[number];

/** Declines the sandbox issuer can answer with, each triggered by its own test card. */
export const CARD_DECLINES = [
  'do_not_honor',
  'insufficient_funds',
  'stolen_card',
  'lost_card',
  'expired_card',
  'incorrect_cvc',
] as const satisfies readonly DeclineReason[];
export type CardDecline = (typeof CARD_DECLINES)[number];

/**
 * What the sandbox network does when a card is authorized: `timeout` charges the card and
 * loses the reply, `slow` answers only after the configured delay.
 */
export const CARD_BEHAVIOURS = ['approve', 'three_ds', 'timeout', 'slow', ...CARD_DECLINES] as const;
export type CardBehaviour = (typeof CARD_BEHAVIOURS)[number];

export interface TestCard {
  number: string;
  brand: CardBrand;
  behaviour: CardBehaviour;
  description: string;
}

/** The sandbox accepts these numbers and no others: real card data has no business in a sandbox. */
export const TEST_CARDS: readonly TestCard[] = [
  { number: '4242424242424242', brand: 'visa', behaviour: 'approve', description: 'approved' },
  { number: '5555555555554444', brand: 'mastercard', behaviour: 'approve', description: 'approved' },
  { number: '378282246310005', brand: 'amex', behaviour: 'approve', description: 'approved' },
  { number: '4000000000000002', brand: 'visa', behaviour: 'do_not_honor', description: 'generic decline' },
  {
    number: '4000000000009995',
    brand: 'visa',
    behaviour: 'insufficient_funds',
    description: 'declined: insufficient funds',
  },
  {
    number: '4000000000009979',
    brand: 'visa',
    behaviour: 'stolen_card',
    description: 'declined: stolen card',
  },
  { number: '4000000000009987', brand: 'visa', behaviour: 'lost_card', description: 'declined: lost card' },
  {
    number: '4000000000000069',
    brand: 'visa',
    behaviour: 'expired_card',
    description: 'declined: expired card',
  },
  {
    number: '4000000000000127',
    brand: 'visa',
    behaviour: 'incorrect_cvc',
    description: 'declined: incorrect CVC',
  },
  {
    number: '4000000000003220',
    brand: 'visa',
    behaviour: 'three_ds',
    description: '3-D Secure challenge, then approved or declined by the answer',
  },
  {
    number: '4000000000000416',
    brand: 'visa',
    behaviour: 'timeout',
    description: 'charged by the network, reply lost: outcome unknown, status() says approved',
  },
  {
    number: '4000000000000424',
    brand: 'visa',
    behaviour: 'slow',
    description: 'approved after `slowResponseMs` (unknown if that exceeds `readTimeoutMs`)',
  },
];

const byNumber = new Map(TEST_CARDS.map((card) => [card.number, card]));

export function findTestCard(number: string): TestCard | undefined {
  return byNumber.get(number);
}

/** The fixed answer that passes the sandbox 3-D Secure challenge; anything else fails it. */
export const SANDBOX_3DS_ANSWER = '424242';

import type { DeclineReason } from '../payments/api.ts';
