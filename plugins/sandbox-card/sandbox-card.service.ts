import type { CustomerContext, MerchantContext } from '../../core/plugin-api.ts';
import { acceptCard, type CardInput } from './card-input.ts';
import { SandboxCardToken } from './card-token.entity.ts';
import type { SandboxCardMethod } from './sandbox-card.method.ts';

/** Tokenizes sandbox cards; the payments engine pays with them through `method`. */
export class SandboxCardService {
  readonly method: SandboxCardMethod;

  constructor(method: SandboxCardMethod) {
    this.method = method;
  }

  /** The number and CVC are checked and dropped here: only brand, last 4 and expiry are kept. */
  async tokenize(ctx: MerchantContext | CustomerContext, input: CardInput): Promise<SandboxCardToken> {
    const { principal } = ctx;
    const accepted = acceptCard(input, new Date());
    const token = ctx.em.create(SandboxCardToken, {
      merchant: principal.merchantId,
      subject: principal.kind === 'customer' ? principal.subjectId : null,
      brand: accepted.card.brand,
      last4: accepted.last4,
      expMonth: accepted.expMonth,
      expYear: accepted.expYear,
      behaviour: accepted.card.behaviour,
    });
    await ctx.em.flush();
    ctx.log.info({ tokenId: token.id, brand: token.brand, last4: token.last4 }, 'sandbox card tokenized');
    return token;
  }
}
