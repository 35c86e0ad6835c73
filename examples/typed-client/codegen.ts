import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * GraphQL Code Generator for a frontend: reads the gateway's SDL snapshot and the operations
 * written with `graphql(...)` in src/, and writes typed documents to gql/ (plus the persisted
 * documents manifest). Paths are from the repository root: npm run codegen:example (docs/typed-client.md).
 */
const config: CodegenConfig = {
  schema: 'schema/schema.graphql',
  documents: ['examples/typed-client/src/**/*.ts'],
  ignoreNoDocuments: false,
  generates: {
    'examples/typed-client/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        // Operations carry the sha256 of their text: send it instead of the text when the
        // gateway serves persisted operations.
        persistedDocuments: { hashAlgorithm: 'sha256' },
      },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: 'string', EventPayload: 'Record<string, unknown>' },
      },
    },
  },
  emitLegacyCommonJSImports: false,
};

export default config;
