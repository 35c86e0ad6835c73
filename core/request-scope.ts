import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestScope {
  readonly requestId: string;
}

/** Carries the request id through every await, so each log line of a request can name it. */
export const requestScope = new AsyncLocalStorage<RequestScope>();
