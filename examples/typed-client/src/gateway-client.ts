import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

/** How the app reaches the gateway: its URL, the caller's token, and whether to send hashes only. */
export interface GatewayClientOptions {
  url: string;
  token?: string;
  /** Send `extensions.persistedQuery` instead of the text (the gateway's `persistedOperations`). */
  persisted?: boolean;
}

type Persisted = { __meta__?: { hash?: string } };

/** Runs one generated document; its result and variables are typed from the schema. */
export async function execute<Result, Variables>(
  options: GatewayClientOptions,
  document: TypedDocumentNode<Result, Variables>,
  ...[variables]: Variables extends Record<string, never> ? [] : [Variables]
): Promise<Result> {
  const hash = (document as Persisted).__meta__?.hash;
  const body =
    options.persisted && hash
      ? { variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }
      : { query: print(document), variables };
  const response = await fetch(options.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const { data, errors } = (await response.json()) as { data?: Result; errors?: { message: string }[] };
  if (errors?.length || !data) throw new Error(errors?.[0]?.message ?? `no data (${response.status})`);
  return data;
}
