/** One HTTP answer as a client saw it; `error` when there was none (refused, reset, timed out). */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers are probed, not trusted
  body: any;
  error?: 'timeout' | 'network';
  /** What the client library said of a network error (a reset, a closed socket). */
  cause?: string;
  ms: number;
}

export interface Sent {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Appended to the URL (GET requests). */
  search?: string;
  timeoutMs?: number;
}

export async function send(url: string, sent: Sent): Promise<Answer> {
  const started = performance.now();
  try {
    const response = await fetch(url + (sent.search ?? ''), {
      method: sent.method ?? 'POST',
      headers: sent.headers,
      body: sent.body,
      signal: AbortSignal.timeout(sent.timeoutMs ?? 20_000),
    });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return {
      status: response.status,
      headers: response.headers,
      text,
      body,
      ms: performance.now() - started,
    };
  } catch (error) {
    const name = (error as Error).name;
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      cause: cause ? `${cause.code ?? ''} ${cause.message ?? ''}`.trim() : (error as Error).message,
      status: 0,
      headers: new Headers(),
      text: '',
      body: undefined,
      error: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network',
      ms: performance.now() - started,
    };
  }
}

export function postGraphQL(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
  timeoutMs?: number,
): Promise<Answer> {
  return send(url, {
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
    timeoutMs,
  });
}

/** The data of a setup request; throws on any error. */
export async function data<T>(
  url: string,
  token: string | undefined,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<T> {
  const answer = await postGraphQL(url, token, query, variables, headers);
  if (answer.body?.errors?.length || !answer.body?.data) {
    throw new Error(
      `GraphQL request failed (${answer.status} ${answer.error ?? ''}): ${answer.text.slice(0, 500)}`,
    );
  }
  return answer.body.data as T;
}

/** The error codes an answer carries (GraphQL errors, and a typed result's `code`). */
export function codesOf(answer: Answer): string[] {
  const codes: string[] = [];
  for (const error of answer.body?.errors ?? []) codes.push(String(error?.extensions?.code ?? 'NO_CODE'));
  return codes;
}

/** A stack frame or a source path in what a client received. */
export function leaksInternals(text: string): string | undefined {
  return (
    /\bat [^\s]+ \(?(?:file:\/\/)?\/[^\s)]+:\d+:\d+\)?/.exec(text)?.[0] ??
    /(?:\/work\/|\/home\/|\/usr\/|node_modules|node:internal)[^\s"]*/.exec(text)?.[0] ??
    /[\w/.-]+\.(?:ts|js|mjs|cjs):\d+/.exec(text)?.[0]
  );
}
