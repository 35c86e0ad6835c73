import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What one GraphQL document may ask for, checked while it is parsed and validated, before any
 * resolver runs. `false` turns a limit off. Enforced by GraphQL Armor on every transport (HTTP,
 * SSE, graphql-ws), since they all go through Yoga's envelop.
 */
export interface GraphQLLimits {
  /** Deepest nesting of selections (a connection page with its nodes' fields is 4 or 5). */
  depth?: number | false;
  /** Aliased fields per document: each alias runs its field again. */
  aliases?: number | false;
  /** Tokens of the document, counted by the parser (so a 2,000-deep selection stops early). */
  tokens?: number | false;
  /** Directives per document. */
  directives?: number | false;
  /**
   * GraphQL Armor's static cost: 1 a scalar, 2 an object, ×1.5 per level, × `first`/`last` of a
   * list. One payments page of 100 with its operations costs about 2,100; a page of 1,000 events
   * with a dozen fields about 16,000.
   */
  cost?: number | false;
}

export const DEFAULT_LIMITS: Required<GraphQLLimits> = {
  depth: 10,
  aliases: 15,
  tokens: 2000,
  directives: 20,
  cost: 25_000,
};

/**
 * Armor throws from inside validation by default, which Yoga answers as a 200 with an unexpected
 * error and graphql-ws as a closed socket. Reported to the validation context instead, a refusal
 * is an ordinary validation error: 400 and GRAPHQL_VALIDATION_FAILED on every transport.
 */
const asValidationError = {
  propagateOnRejection: false,
  onReject: [
    (context: ValidationContext | null, error: GraphQLError) =>
      context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''))),
  ],
};

const armorLimit = (value: number | false) =>
  value === false ? { enabled: false } : { n: value, ...asValidationError };

/**
 * Envelop plugins for the limits and, when introspection is off, graphql-js's own rule against
 * `__schema` / `__type` plus hidden field suggestions (which would otherwise spell the schema out).
 */
export function useGraphQLLimits(limits: GraphQLLimits = {}, introspection = true): Plugin[] {
  const l = { ...DEFAULT_LIMITS, ...limits };
  const armor = new EnvelopArmor({
    maxDepth: { ...armorLimit(l.depth), flattenFragments: true },
    maxAliases: armorLimit(l.aliases),
    // Counted by the parser, whose refusals are ordinary syntax errors (GRAPHQL_PARSE_FAILED).
    maxTokens: l.tokens === false ? { enabled: false } : { n: l.tokens },
    maxDirectives: armorLimit(l.directives),
    costLimit:
      l.cost === false
        ? { enabled: false }
        : { maxCost: l.cost, flattenFragments: true, ...asValidationError },
    blockFieldSuggestion: { enabled: !introspection },
  });
  const plugins = armor.protect().plugins as Plugin[];
  if (!introspection) {
    plugins.push({
      onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
    });
  }
  return plugins;
}
