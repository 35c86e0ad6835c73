import { GraphQLError, Lexer, Source, TokenKind } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/** Deeper than any real query; far below where graphql-js's recursive parser overflows its stack. */
export const MAX_NESTING = 128;

const OPENERS = new Set<string>([TokenKind.BRACE_L, TokenKind.BRACKET_L, TokenKind.PAREN_L]);
const CLOSERS = new Set<string>([TokenKind.BRACE_R, TokenKind.BRACKET_R, TokenKind.PAREN_R]);

/** Whether `{`, `[` and `(` nest deeper than `limit` outside strings and comments. */
export function nestsDeeperThan(query: string, limit: number): boolean {
  // A document with no more openers than the limit cannot nest deeper: most stop here.
  let openers = 0;
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i);
    if (c === 123 || c === 91 || c === 40) openers++;
  }
  if (openers <= limit) return false;
  // graphql-js's lexer is a loop, not a recursion: it is safe on any input.
  const lexer = new Lexer(new Source(query));
  let depth = 0;
  try {
    for (let token = lexer.advance(); token.kind !== TokenKind.EOF; token = lexer.advance()) {
      if (OPENERS.has(token.kind) && ++depth > limit) return true;
      if (CLOSERS.has(token.kind)) depth--;
    }
  } catch {
    // A lexical error: the parser reports it with its position.
  }
  return false;
}

/**
 * Refuses documents nested deeper than `limit` before graphql-js parses them: its parser
 * recurses once per level and a few thousand levels overflow the stack (a 500). This guards
 * the parser itself; depth limits for cost belong to validation and come later.
 */
export function useNestingLimit(limit = MAX_NESTING): Plugin {
  return {
    onParse: ({ params, setParseFn }) => {
      const source = typeof params.source === 'string' ? params.source : params.source.body;
      if (!nestsDeeperThan(source, limit)) return;
      setParseFn(() => {
        throw new GraphQLError(`The document nests deeper than ${limit} levels`, {
          extensions: { code: 'BAD_USER_INPUT', limit, http: { status: 400 } },
        });
      });
    },
  };
}
