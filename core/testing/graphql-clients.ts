import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

export interface GraphQLResponse<TData = Record<string, unknown>> {
  status: number;
  headers: Headers;
  data?: TData | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export interface RequestOptions {
  headers?: Record<string, string>;
  operationName?: string;
}

/** Speaks GraphQL over HTTP (POST JSON) to a gateway, as a frontend would. */
export class HttpGraphQLClient {
  readonly url: string;
  readonly token: string | undefined;

  constructor(url: string, token?: string) {
    this.url = url;
    this.token = token;
  }

  withToken(token: string | undefined): HttpGraphQLClient {
    return new HttpGraphQLClient(this.url, token);
  }

  async request<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    options: RequestOptions = {},
  ): Promise<GraphQLResponse<TData>> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        ...options.headers,
      },
      body: JSON.stringify({ query, variables, operationName: options.operationName }),
    });
    const body = (await response.json()) as Omit<GraphQLResponse<TData>, 'status' | 'headers'>;
    return { status: response.status, headers: response.headers, ...body };
  }

  /** Like `request`, but fails loudly on any error, returning `data`. */
  async data<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<TData> {
    const result = await this.request<TData>(query, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`GraphQL request failed (${result.status}): ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  /** A subscription over Server-Sent Events (Yoga's distinct-connection mode). */
  async *sse<TData = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    signal?: AbortSignal,
  ): AsyncGenerator<GraphQLResponse<TData>> {
    const response = await fetch(this.url, {
      method: 'POST',
      signal,
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
      },
      body: JSON.stringify({ query, variables }),
    });
    if (!response.body) throw new Error(`no event stream (${response.status})`);
    const decoder = new TextDecoder();
    let buffer = '';
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf('\n\n');
        const event = /^event: (.*)$/m.exec(message)?.[1];
        const data = message
          .split('\n')
          .filter((line) => line.startsWith('data:'))
          .map((line) => line.slice(5).trim())
          .join('\n');
        if (event === 'complete') return;
        if (data) yield { status: response.status, headers: response.headers, ...JSON.parse(data) };
      }
    }
  }
}

/** A graphql-ws client; `token` goes in the connection_init payload. */
export function createWebSocketClient(url: string, token?: string): Client {
  return createClient({
    url: url.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: true,
  });
}
