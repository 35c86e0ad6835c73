import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { ERROR_CODES } from './error-codes.ts';

/**
 * A declared body up to this size is read and thrown away after the 413, so that a client still
 * uploading (fetch does not read an answer before its upload ends) gets the answer instead of a
 * reset connection. Larger or undeclared bodies close the connection: draining them would let a
 * client make the server read without end.
 */
const DRAIN_MAX_BYTES = 8 * 1024 * 1024;

function tooLarge(limit: number, drained: boolean): GraphQLError {
  return new GraphQLError(`The request body is larger than ${limit} bytes`, {
    extensions: {
      code: ERROR_CODES.payloadTooLarge,
      // Node discards the unread rest of a declared body once the answer is sent.
      http: { status: 413, headers: drained ? {} : { connection: 'close' } },
    },
  });
}

async function readLimited(request: Request, limit: number): Promise<Blob> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) throw tooLarge(limit, declared <= DRAIN_MAX_BYTES);
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel();
        throw tooLarge(limit, false);
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
