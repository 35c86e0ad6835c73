import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import type { EntityManager } from '@mikro-orm/core';
import { RequestCache } from '@pothos/plugin-scope-auth';
import {
  type DocumentNode,
  type ExecutionResult,
  execute,
  type FieldNode,
  GraphQLError,
  type GraphQLSchema,
  Kind,
  type OperationDefinitionNode,
  parse,
  specifiedRules,
  TypeInfo,
  type ValueNode,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import {
  canSeeMerchant,
  type GatewayBuilder,
  GatewayError,
  type GatewayServices,
  type Logger,
  type Principal,
  query,
  type RequestContext,
} from '../../core/plugin-api.ts';
import type { LoggedEvent } from './event-log.ts';
import { isTypePattern, patternCovers } from './event-types.ts';

/** Bounds what one delivery can cost to resolve: the reachable types have no cycles, so size bounds depth. */
export const MAX_PAYLOAD_QUERY_LENGTH = 8192;

/**
 * Each alias resolves its field again (`a: payment {…} b: payment {…}` reads the payment twice per
 * delivery): the same limit as a request's (core/http/graphql-limits.ts), reported as a problem.
 */
const RULES = [
  ...specifiedRules,
  maxAliasesRule({
    n: 15,
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(error)],
  }),
];

/**
 * The subscription fields a payload query may select, with the event types each can carry. The
 * document is a subscription the owner could run over graphql-ws; each delivery's body is what
 * that subscription would send for the event.
 */
export const PAYLOAD_QUERY_ROOTS: Readonly<Record<string, readonly string[]>> = {
  events: ['*'],
  paymentEvents: ['payment.*', 'refund.*', 'payout.*'],
};

export type PayloadQueryProblem = 'SYNTAX' | 'INVALID' | 'FORBIDDEN_FIELD' | 'OUT_OF_SCOPE';

/** A payload query refused when the endpoint is saved; nothing is saved. */
export class WebhookPayloadQueryError extends GatewayError {
  readonly problems: readonly string[];

  constructor(problem: PayloadQueryProblem, problems: readonly string[]) {
    super(`PAYLOAD_QUERY_${problem}`, `payloadQuery: ${problems[0]}`);
    this.problems = problems;
  }
}

/** Whose permissions a payload query resolves with: the endpoint's owner, as stored. */
export interface EndpointOwner {
  endpointId: string;
  partnerId: string | null;
  merchantId: string | null;
}

const at = (error: { locations?: readonly { line: number; column: number }[] }) =>
  error.locations?.[0] ? `${error.locations[0].line}:${error.locations[0].column} ` : '';

function stringsOf(value: ValueNode): string[] | null {
  if (value.kind === Kind.STRING) return [value.value];
  if (value.kind !== Kind.LIST) return null;
  const strings = value.values.map((v) => (v.kind === Kind.STRING ? v.value : null));
  return strings.every((s) => s !== null) ? (strings as string[]) : null;
}

type PothosOptions = { authScopes?: unknown; skipTypeScopes?: boolean } | undefined;
const pothosOptions = (thing: { extensions?: unknown }): PothosOptions =>
  (thing.extensions as { pothosOptions?: PothosOptions } | undefined)?.pothosOptions;

interface Compiled {
  source: string;
  document: DocumentNode;
  /** Set when the document no longer validates against this process's schema. */
  invalid: string | null;
}

const CACHE_SIZE = 1000;

/**
 * Payload queries: checked when an endpoint is saved, resolved per delivery through the real
 * schema with a context built for the endpoint's owner from what the database says now, so a
 * delivery never carries more than the owner could read over a subscription at that moment.
 */
export class PayloadQueries {
  readonly #schema: () => GraphQLSchema;
  readonly #builder: () => GatewayBuilder;
  readonly #services: GatewayServices;
  readonly #log: Logger;
  /** Endpoint id -> its parsed document: each process parses a document once, not per delivery. */
  readonly #compiled = new Map<string, Compiled>();

  constructor(deps: {
    schema: () => GraphQLSchema;
    builder: () => GatewayBuilder;
    services: GatewayServices;
    log: Logger;
  }) {
    this.#schema = deps.schema;
    this.#builder = deps.builder;
    this.#services = deps.services;
    this.#log = deps.log;
  }

  /**
   * The owner's principal as its API keys would have it now: a partner's current grants (narrowed
   * to the endpoint's merchant, if it names one), or the merchant. No credential stands behind it,
   * so the key id names the endpoint.
   */
  async ownerContext(em: EntityManager, owner: EndpointOwner): Promise<RequestContext> {
    const keyId = `webhook-endpoint:${owner.endpointId}`;
    let principal: Principal;
    if (owner.partnerId) {
      const grants = await query<{ merchant_id: string }>(
        em,
        'select merchant_id from partner_grant where partner_id = ?',
        [owner.partnerId],
      );
      const granted = grants.map((g) => g.merchant_id);
      principal = {
        kind: 'partner',
        keyId,
        partnerId: owner.partnerId,
        merchantIds: owner.merchantId ? granted.filter((id) => id === owner.merchantId) : granted,
      };
    } else {
      principal = { kind: 'merchant', keyId, merchantId: owner.merchantId! };
    }
    return {
      requestId: keyId,
      principal,
      em,
      log: this.#log.child({ endpointId: owner.endpointId }),
      services: this.#services,
      headers: new Headers(),
    };
  }

  /**
   * Checks a document for an endpoint being saved and returns what to store. Refuses, with every
   * problem found: bad syntax; anything the schema does not validate (unknown fields, wrong
   * arguments); anything but one subscription selecting `events` or `paymentEvents` with literal
   * `types` at most; event types of the endpoint the document cannot carry; and fields whose auth
   * policy refuses the owner (evaluated by scope-auth with the owner's context, as a request would).
   */
  async check(ctx: RequestContext, source: string, eventTypes: readonly string[]): Promise<string> {
    const text = source.trim();
    if (text.length === 0 || text.length > MAX_PAYLOAD_QUERY_LENGTH) {
      throw new WebhookPayloadQueryError('INVALID', [
        `must be 1 to ${MAX_PAYLOAD_QUERY_LENGTH} characters (null removes it)`,
      ]);
    }
    let document: DocumentNode;
    try {
      document = parse(text, { maxTokens: 2000 });
    } catch (error) {
      const e = error as GraphQLError;
      throw new WebhookPayloadQueryError('SYNTAX', [`${at(e)}${e.message}`]);
    }
    const schema = this.#schema();
    const invalid = validate(schema, document, RULES);
    if (invalid.length > 0) {
      throw new WebhookPayloadQueryError(
        'INVALID',
        invalid.map((e) => `${at(e)}${e.message}`),
      );
    }
    const root = this.#rootField(document);
    this.#checkScope(root, eventTypes);
    const refused = await this.#refusedFields(schema, document, ctx);
    if (refused.length > 0) throw new WebhookPayloadQueryError('FORBIDDEN_FIELD', refused);
    return text;
  }

  #rootField(document: DocumentNode): FieldNode {
    const operations = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const operation = operations[0];
    const problem = (message: string) => new WebhookPayloadQueryError('INVALID', [message]);
    if (operations.length !== 1 || operation?.operation !== 'subscription')
      throw problem('the document must be exactly one subscription operation');
    if (operation.variableDefinitions?.length)
      throw problem('a payload query takes no variables: write the values in the document');
    const [root, ...rest] = operation.selectionSet.selections;
    const roots = Object.keys(PAYLOAD_QUERY_ROOTS).join(' or ');
    if (root?.kind !== Kind.FIELD || rest.length > 0 || !PAYLOAD_QUERY_ROOTS[root.name.value])
      throw problem(`the subscription must select ${roots}, directly and alone`);
    const other = root.arguments?.find((a) => a.name.value !== 'types');
    if (other)
      throw problem(
        `${other.name.value}: the endpoint decides which merchants and from when; only \`types\` may be given`,
      );
    return root;
  }

  /** Every event type the endpoint receives must be one the document's subscription carries. */
  #checkScope(root: FieldNode, eventTypes: readonly string[]): void {
    const family = PAYLOAD_QUERY_ROOTS[root.name.value]!;
    const typesArg = root.arguments?.find((a) => a.name.value === 'types');
    const types = typesArg ? stringsOf(typesArg.value) : null;
    if (typesArg && (!types || types.length === 0 || !types.every(isTypePattern)))
      throw new WebhookPayloadQueryError('INVALID', ['`types` must list event types or patterns']);
    const outside = types?.find((type) => !family.some((f) => patternCovers(f, type)));
    if (outside !== undefined) {
      throw new WebhookPayloadQueryError('OUT_OF_SCOPE', [
        `"${outside}" is not among the types ${root.name.value} carries (${family.join(', ')})`,
      ]);
    }
    const scope = types ?? family;
    const uncovered = eventTypes.filter((pattern) => !scope.some((s) => patternCovers(s, pattern)));
    if (uncovered.length > 0) {
      throw new WebhookPayloadQueryError(
        'OUT_OF_SCOPE',
        uncovered.map(
          (pattern) =>
            `the endpoint receives "${pattern}" but the document's ${root.name.value} carries only ${scope.join(', ')}`,
        ),
      );
    }
  }

  /**
   * The selected fields whose policy (the field's, and its type's unless the field skips it)
   * refuses the owner. Policies that are functions of the parent object are decided per delivery.
   */
  async #refusedFields(
    schema: GraphQLSchema,
    document: DocumentNode,
    ctx: RequestContext,
  ): Promise<string[]> {
    const cache = RequestCache.fromContext(ctx, this.#builder() as never);
    const checks: Promise<string | null>[] = [];
    const typeInfo = new TypeInfo(schema);
    visit(
      document,
      visitWithTypeInfo(typeInfo, {
        Field: (node) => {
          const parent = typeInfo.getParentType();
          const field = typeInfo.getFieldDef();
          if (!parent || !field || node.name.value.startsWith('__')) return;
          const own = pothosOptions(field);
          const policies = [
            own?.authScopes,
            own?.skipTypeScopes ? undefined : pothosOptions(parent)?.authScopes,
          ];
          for (const policy of policies) {
            if (policy === undefined || typeof policy === 'function') continue;
            const where = `${at({ locations: node.loc ? [node.loc.startToken] : [] })}${parent.name}.${field.name}`;
            checks.push(
              Promise.resolve(cache.evaluateScopeMap(policy as never)).then((failure) =>
                failure ? `${where}: the endpoint's owner (a ${ctx.principal.kind}) may not read it` : null,
              ),
            );
          }
        },
      }),
    );
    const refused = await Promise.all(checks);
    return [...new Set(refused.filter((r): r is string => r !== null))];
  }

  /**
   * The body of one delivery: what the owner's subscription would send for the event, with the
   * owner's permissions as they are now. `refused` when the owner may no longer read the event's
   * merchant, or the document no longer validates (the schema changed): the delivery is given up.
   * An unexpected resolver error throws, and the attempt is retried like a failed request.
   */
  async body(
    em: EntityManager,
    owner: EndpointOwner,
    source: string,
    event: LoggedEvent,
  ): Promise<{ body: string } | { refused: string }> {
    const compiled = this.#compile(owner.endpointId, source);
    if (compiled.invalid) return { refused: `the payload query no longer validates: ${compiled.invalid}` };
    const ctx = await this.ownerContext(em, owner);
    if (!canSeeMerchant(ctx.principal, event.merchantId)) {
      return { refused: `the endpoint's owner may no longer read merchant ${event.merchantId}'s events` };
    }
    const result = (await execute({
      schema: this.#schema(),
      document: compiled.document,
      rootValue: event,
      contextValue: ctx,
    })) as ExecutionResult;
    return { body: JSON.stringify(deliverable(result)) };
  }

  #compile(endpointId: string, source: string): Compiled {
    const cached = this.#compiled.get(endpointId);
    if (cached?.source === source) return cached;
    const document = parse(source);
    const errors = validate(this.#schema(), document);
    const compiled = { source, document, invalid: errors[0]?.message ?? null };
    if (this.#compiled.size >= CACHE_SIZE) this.#compiled.delete(this.#compiled.keys().next().value!);
    this.#compiled.set(endpointId, compiled);
    return compiled;
  }
}

/**
 * The result as a subscriber would see it. A field the owner may not read is null with its
 * FORBIDDEN error, as over graphql-ws; anything unexpected (a database error) throws, so the
 * attempt fails and is retried instead of sending a body with holes.
 */
function deliverable(result: ExecutionResult): ExecutionResult | { data: unknown; errors: unknown[] } {
  if (!result.errors?.length) return { data: result.data };
  const errors = result.errors.map((error) => {
    const original = error.originalError;
    if (original && !(original instanceof GraphQLError) && !(original instanceof GatewayError)) {
      throw original;
    }
    const code = original instanceof GatewayError ? original.code : error.extensions?.code;
    return { message: error.message, path: error.path, extensions: code ? { code } : {} };
  });
  return { data: result.data, errors };
}
