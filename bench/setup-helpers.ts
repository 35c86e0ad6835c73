import { HttpGraphQLClient } from '../core/testing/graphql-clients.ts';

/** A setup request as the bench's own client: fails loudly on any GraphQL error. */
export function graphql<T>(
  url: string,
  token: string,
  query: string,
  variables: Record<string, unknown> = {},
) {
  return new HttpGraphQLClient(url, token).data<T>(query, variables);
}

/** Runs `make(0..count-1)` at most `width` at a time, keeping the order of results. */
export async function inParallel<T>(
  count: number,
  width: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const results: T[] = [];
  for (let start = 0; start < count; start += width) {
    const batch = Array.from({ length: Math.min(width, count - start) }, (_, i) => make(start + i));
    results.push(...(await Promise.all(batch)));
  }
  return results;
}
