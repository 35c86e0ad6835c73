import { type GatewayBuilder, ValidationError } from '../../core/plugin-api.ts';
import { SandboxCardToken } from './card-token.entity.ts';
import type { SandboxCardService } from './sandbox-card.service.ts';
import { CARD_BRANDS } from './test-cards.ts';

export function registerSandboxCardSchema(builder: GatewayBuilder, cards: SandboxCardService): void {
  const SandboxCardBrand = builder.enumType('SandboxCardBrand', { values: CARD_BRANDS });

  builder.objectType(SandboxCardToken, {
    name: 'SandboxCardToken',
    description: 'A tokenized sandbox card. Pay with it by passing its id as `sourceId`.',
    authScopes: { $any: { operator: true, merchant: true, customer: true } },
    fields: (t) => ({
      id: t.exposeID('id'),
      brand: t.field({ type: SandboxCardBrand, resolve: (card) => card.brand }),
      last4: t.exposeString('last4'),
      expMonth: t.exposeInt('expMonth'),
      expYear: t.exposeInt('expYear'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
    }),
  });

  const TokenizeSandboxCardInput = builder.inputType('TokenizeSandboxCardInput', {
    description: 'A sandbox test card. The number and CVC are never stored or logged.',
    fields: (t) => ({
      number: t.string({ required: true, description: 'One of the sandbox test card numbers.' }),
      expMonth: t.int({ required: true }),
      expYear: t.int({ required: true, description: '4 digits, or 2 (20xx).' }),
      cvc: t.string({ required: true, description: '3 digits, 4 for American Express.' }),
    }),
  });

  builder.mutationField('tokenizeSandboxCard', (t) =>
    t.withAuth({ $any: { merchant: true, customer: true } }).field({
      type: SandboxCardToken,
      description: 'Turns a sandbox test card into a token: the `sourceId` of a sandbox-card payment.',
      args: { input: t.arg({ type: TokenizeSandboxCardInput, required: true }) },
      errors: { types: [ValidationError] },
      resolve: (_root, { input }, ctx) => cards.tokenize(ctx, input),
    }),
  );
}
