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
  const ended = Promise.withResolvers<CredentialEnd>();
  const release = hold(principal, ended.resolve);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    release();
    void inner.return?.()?.catch(() => {});
  };
  const over = { done: true, value: undefined } as const;
  return {
    [Symbol.asyncIterator]() {
      return this;
    },
    async next() {
      if (done) return over;
      const next = await Promise.race([inner.next(), ended.promise]);
      if (done) return over;
      if (typeof next === 'string') {
        finish();
        return { done: false, value: { errors: [unauthenticated(CREDENTIAL_ENDED[next])] } };
      }
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
