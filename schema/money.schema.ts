import { formatDecimal, type Money, MoneyError, parseMinorUnits } from '../core/money/money.ts';
import type { GatewayBuilder } from './builder.ts';
import { ValidationError } from './errors.ts';

export interface MoneyInputShape {
  amount: string;
  currency: string;
}

function register(builder: GatewayBuilder) {
  const MoneyRef = builder.objectRef<Money>('Money').implement({
    description:
      'An exact amount. `amount` is integer minor units (cents, won) as a decimal string; never a float.',
    authScopes: { public: true },
    fields: (t) => ({
      amount: t.string({
        description: 'Integer minor units, e.g. "1050" for USD 10.50.',
        resolve: (m) => m.amount.toString(),
      }),
      currency: t.exposeString('currency', { description: 'ISO 4217 code, e.g. "KRW".' }),
      decimal: t.string({
        description: 'The exact amount in major units, e.g. "10.50".',
        resolve: (m) => formatDecimal(m),
      }),
    }),
  });
  const MoneyInput = builder.inputType('MoneyInput', {
    description: 'An exact amount: integer minor units as a decimal string ("1050" is USD 10.50).',
    fields: (t) => ({
      amount: t.string({ required: true }),
      currency: t.string({ required: true }),
    }),
  });
  return { Money: MoneyRef, MoneyInput };
}

export type MoneyRefs = ReturnType<typeof register>;

const registered = new WeakMap<GatewayBuilder, MoneyRefs>();

/**
 * The `Money` type and `MoneyInput` of this builder, registered on first use. Any plugin's
 * schema may call it; the types exist once per gateway.
 */
export function moneyRefs(builder: GatewayBuilder): MoneyRefs {
  let refs = registered.get(builder);
  if (!refs) {
    refs = register(builder);
    registered.set(builder, refs);
  }
  return refs;
}

/** A `MoneyInput` as exact `Money`, or a `ValidationError` naming `field`. */
export function moneyFromInput(input: MoneyInputShape, field: string): Money {
  try {
    return parseMinorUnits(input.amount, input.currency);
  } catch (error) {
    if (error instanceof MoneyError) throw new ValidationError(field, error.message);
    throw error;
  }
}
