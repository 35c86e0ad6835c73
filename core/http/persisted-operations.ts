import { readFileSync } from 'node:fs';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { Plugin } from 'graphql-yoga';
import { BootError } from '../boot-error.ts';

/**
 * Persisted operations (off unless configured): clients send the hash of an operation the
 * operator listed (`extensions.persistedQuery.sha256Hash`) instead of its text. With
 * `allowArbitraryOperations: false` (the default once enabled) nothing else runs, so a leaked key
 * can only run the app's own operations. docs/typed-client.md shows the whole chain.
 */
export interface PersistedOperationsConfig {
  /** A JSON object of hash -> document text: GraphQL Code Generator's persisted-documents.json. */
  file: string;
  /** Also run operations sent as text (GraphiQL, scripts). Default false. */
  allowArbitraryOperations?: boolean;
}

function readManifest(file: string): Record<string, string> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new BootError({
      problem: `http.persistedOperations.file "${file}" cannot be read as JSON (${(error as Error).message})`,
      fix: 'point it at the persisted-documents.json your GraphQL Code Generator writes',
    });
  }
  const entries = Object.entries(typeof manifest === 'object' && manifest ? manifest : []);
  if (Array.isArray(manifest) || entries.some(([, doc]) => typeof doc !== 'string')) {
    throw new BootError({
      problem: `http.persistedOperations.file "${file}" is not an object of hash -> document text`,
      fix: 'point it at the persisted-documents.json your GraphQL Code Generator writes',
    });
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

export function persistedOperationsPlugins(config: PersistedOperationsConfig | undefined): Plugin[] {
  if (!config) return [];
  const documents = new Map(Object.entries(readManifest(config.file)));
  return [
    usePersistedOperations({
      getPersistedOperation: (hash) => documents.get(hash) ?? null,
      allowArbitraryOperations: config.allowArbitraryOperations ?? false,
      customErrors: {
        // The library's default code for this, CANNOT_SEND_PQ_ID_AND_BODY, says something else.
        persistedQueryOnly: {
          message: 'This gateway runs persisted operations only: send extensions.persistedQuery.sha256Hash',
          extensions: { code: 'PERSISTED_QUERY_ONLY' },
        },
      },
    }),
  ];
}
