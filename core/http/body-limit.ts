import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ERROR_CODES } from './error-codes.ts';

function tooLarge(limit: number): GraphQLError {
  return new GraphQLError(`The request body is larger than ${limit} bytes`, {
    // The client may still be sending: the connection cannot carry another request after this.
    extensions: {
      code: ERROR_CODES.payloadTooLarge,
      http: { status: 413, headers: { connection: 'close' } },
    },
  });
}

async function readLimited(request: Request, limit: number): Promise<Blob> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit);
      }
      chunks.push(next.value);
    }
  }
  return new Blob(chunks as BlobPart[]);
}

/**
 * Refuses bodies over the limit before any parser holds them in memory: by Content-Length when
 * the client sends one, and by counting bytes when it streams without one.
 */
export function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse: ({ request, requestParser, setRequestParser }) => {
      if (!requestParser || request.method === 'GET') return;
      const parse = requestParser;
      setRequestParser(async (original) => {
        const body = await readLimited(original, limit);
        return parse(new Request(original.url, { method: original.method, headers: original.headers, body }));
      });
    },
  };
}
