import { AsyncLocalStorage } from 'node:async_hooks';

/** What the access log says about a request beyond HTTP: filled in as GraphQL learns it. */
export interface AccessNote {
  operation?: string;
  operationType?: string;
  principal?: string;
}

export interface RequestScope {
  readonly requestId: string;
  /** Present on HTTP requests, for their access-log line. */
  readonly access?: AccessNote;
}

/** Carries the request id through every await, so each log line of a request can name it. */
export const requestScope = new AsyncLocalStorage<RequestScope>();
