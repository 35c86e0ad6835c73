import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { isCurrency, isUuid } from '../../core/plugin-api.ts';
import type {
  AuthorizeCall,
  MethodOperation,
  MethodOutcome,
  PaymentMethod,
  ReferenceCall,
} from '../payments/api.ts';
import { SandboxCardToken } from './card-token.entity.ts';
import type { NetworkReply, SandboxAcquirer } from './sandbox-acquirer.ts';

export interface SandboxCardTimings {
  /** How long the gateway waits for the network's reply before calling the outcome unknown. */
  readTimeoutMs: number;
  /** How late the network answers for the slow test card. */
  slowResponseMs: number;
}

/** The gateway's side of the sandbox card network: a client with a read timeout. */
export class SandboxCardMethod implements PaymentMethod {
  readonly id = 'sandbox-card';
  readonly displayName = 'Sandbox card';
  readonly internal = false;
  readonly #acquirer: SandboxAcquirer;
  readonly #timings: SandboxCardTimings;

  constructor(acquirer: SandboxAcquirer, timings: SandboxCardTimings) {
    this.#acquirer = acquirer;
    this.#timings = timings;
  }

  supports(currency: string): boolean {
    return isCurrency(currency);
  }

  async authorize(call: AuthorizeCall): Promise<MethodOutcome> {
    const em = call.em.fork();
    const token = isUuid(call.sourceId) ? await em.findOne(SandboxCardToken, { id: call.sourceId }) : null;
    const usable =
      token &&
      token.merchant.id === call.merchantId &&
      (!token.subject || !call.subjectId || token.subject.id === call.subjectId);
    if (!usable) {
      return { status: 'declined', reason: 'invalid_source', message: 'No such sandbox card token' };
    }
    // The gateway names the authorization before sending it, so it can ask about it even if the reply is lost.
    const reference = randomUUID();
    const reply = await this.#acquirer.authorize(em, {
      reference,
      operationKey: call.operationKey,
      token,
      merchantId: call.merchantId,
      amount: call.amount,
    });
    const outcome = await this.#receive(reply, reference);
    call.log.info({ reference, outcome: outcome.status }, 'sandbox card authorization');
    return outcome;
  }

  confirmAction(call: ReferenceCall, response: string): Promise<MethodOutcome> {
    return this.#acquirer.confirm(call.em.fork(), call, response);
  }

  capture(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#acquirer.capture(call.em.fork(), call);
  }

  void(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#acquirer.void(call.em.fork(), call);
  }

  refund(call: ReferenceCall): Promise<MethodOutcome> {
    return this.#acquirer.refund(call.em.fork(), call);
  }

  status(call: ReferenceCall & { operation: MethodOperation }): Promise<MethodOutcome> {
    return this.#acquirer.status(call.em.fork(), call);
  }

  async #receive(reply: NetworkReply, reference: string): Promise<MethodOutcome> {
    const { readTimeoutMs, slowResponseMs } = this.#timings;
    const waited = reply.delivery === 'now' ? 0 : reply.delivery === 'slow' ? slowResponseMs : Infinity;
    if (waited <= readTimeoutMs) {
      if (waited > 0) await sleep(waited);
      return reply.outcome;
    }
    await sleep(readTimeoutMs);
    return {
      status: 'unknown',
      reference,
      detail: `The sandbox network did not answer within ${readTimeoutMs} ms; ask status() later`,
    };
  }
}
