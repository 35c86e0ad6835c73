import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { unauthenticated } from '../auth/auth.service.ts';
import type { CredentialEnd } from '../auth/live-credentials.ts';
import type { Principal } from '../auth/principal.ts';
import type { RequestContext } from '../context.ts';

export type Hold = (principal: Principal, end: (reason: CredentialEnd) => void) => () => void;

export const CREDENTIAL_ENDED = {
  revoked: 'The credential was revoked',
  expired: 'The credential expired',
} as const;

function isAsyncIterable(value: unknown): value is AsyncIterable<ExecutionResult> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * Ends every subscription stream (SSE and graphql-ws alike) when the credential it was opened
 * with is revoked or expires: the stream's last result is an UNAUTHENTICATED error, then it
 * completes, and the source stream is returned so it stops producing.
 */
export function useCredentialBoundStreams(hold: Hold): Plugin<RequestContext> {
  return {
    onSubscribe: ({ args }) => ({
      onSubscribeResult: ({ result, setResult }) => {
        if (isAsyncIterable(result)) setResult(boundTo(result, args.contextValue.principal, hold));
      },
    }),
  };
}

function boundTo(
  source: AsyncIterable<ExecutionResult>,
  principal: Principal,
  hold: Hold,
): AsyncIterableIterator<ExecutionResult> {
  const inner = source[Symbol.asyncIterator]();
  // One fresh promise per pending `next`: racing every result against one long-lived promise
  // would pile a reaction per delivered event onto it for the life of the stream.
  let ended: CredentialEnd | undefined;
  let interrupt: ((reason: CredentialEnd) => void) | undefined;
  const release = hold(principal, (reason) => {
    ended = reason;
    interrupt?.(reason);
  });
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    release();
    void inner.return?.()?.catch(() => {});
  };
  const over = { done: true, value: undefined } as const;
  const last = (reason: CredentialEnd) => {
    finish();
    return { done: false, value: { errors: [unauthenticated(CREDENTIAL_ENDED[reason])] } };
  };
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (done) return over;
      if (ended) return last(ended);
      const stop = new Promise<CredentialEnd>((resolve) => {
        interrupt = resolve;
      });
      const next = await Promise.race([inner.next(), stop]);
      interrupt = undefined;
      if (done) return over;
      if (typeof next === 'string') return last(next);
      if (next.done) finish();
      return next;
    },
    async return() {
      finish();
      return over;
    },
    async throw(error) {
      finish();
      throw error;
    },
  };
}
