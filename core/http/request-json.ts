import { createGraphQLError, type Plugin } from 'graphql-yoga';

const JSON_PARAMS = ['variables', 'extensions'] as const;

/**
 * Yoga parses the `variables` and `extensions` of a GET (or a form POST) with a bare
 * `JSON.parse`, so `?variables=%7B` was a 500. Broken JSON there is the client's: a 400
 * naming the parameter.
 */
export function useRequestJsonErrors(): Plugin {
  return {
    onRequestParse: ({ requestParser, setRequestParser }) => {
      if (!requestParser) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          // A form POST's body is consumed by now; a GET names the parameter.
          const query = new URL(request.url, 'http://localhost').searchParams;
          const field = JSON_PARAMS.find((name) => !parses(query.get(name)));
          throw createGraphQLError(`${field ?? '`variables` or `extensions`'} is not valid JSON`, {
            extensions: { code: 'BAD_REQUEST', field, http: { status: 400 } },
          });
        }
      });
    },
  };
}

function parses(value: string | null): boolean {
  if (!value) return true;
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}
