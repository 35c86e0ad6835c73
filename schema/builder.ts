import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin, { type AuthFailure } from '@pothos/plugin-scope-auth';
import { GraphQLError } from 'graphql';
import type {
  AuthenticatedContext,
  CustomerContext,
  MerchantContext,
  OperatorContext,
  PartnerContext,
  RequestContext,
} from '../core/context.ts';
import type { GatewayAuthScopes, GatewayObjects } from '../core/global-types.ts';
import { GatewayError } from './errors.ts';

const ROLES = new Set(['authenticated', 'operator', 'merchant', 'partner', 'customer']);

/** The kinds of caller a refused field is for, read from scope-auth's failure (`$any`, `$all` included). */
function rolesIn(failure: AuthFailure): string[] {
  const roles = new Set<string>();
  const walk = (f: AuthFailure): void => {
    if ('failures' in f) for (const inner of f.failures) walk(inner);
    else if ('scope' in f && ROLES.has(f.scope)) roles.add(f.scope);
  };
  walk(failure);
  return [...roles];
}

/**
 * The context a resolver behind each scope receives from `t.withAuth(...)`: the scope has
 * already refused every other kind of caller. A field open to several scopes (`$any`) gets
 * the union of their contexts; a scope not listed here narrows nothing.
 */
export interface GatewayAuthContexts {
  authenticated: AuthenticatedContext;
  operator: OperatorContext;
  merchant: MerchantContext;
  partner: PartnerContext;
  customer: CustomerContext;
}

/** Loaders for each scope: a boolean, or a function of the scope's parameter. */
export type ScopeLoaders = {
  [K in keyof GatewayAuthScopes]: GatewayAuthScopes[K] extends boolean
    ? boolean | (() => boolean | Promise<boolean>)
    : (param: GatewayAuthScopes[K]) => boolean | Promise<boolean>;
};

export interface GatewaySchemaTypes {
  Context: RequestContext;
  AuthScopes: GatewayAuthScopes;
  AuthContexts: GatewayAuthContexts;
  Objects: GatewayObjects;
  Scalars: {
    DateTime: { Input: Date; Output: Date };
    ID: { Input: string; Output: string };
  };
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
}

export type GatewayBuilder = PothosSchemaTypes.SchemaBuilder<
  PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>
>;

export type ScopeLoaderFactory = (
  ctx: RequestContext,
) => Partial<ScopeLoaders> | Promise<Partial<ScopeLoaders>>;

/**
 * One builder per gateway (not a module singleton), so that a process can host gateways with
 * different plugin sets, as the tests do.
 */
export function createBuilder(pluginScopes: readonly ScopeLoaderFactory[]): GatewayBuilder {
  const builder = new SchemaBuilder<GatewaySchemaTypes>({
    plugins: [ScopeAuthPlugin, ErrorsPlugin, RelayPlugin],
    defaultFieldNullability: false,
    scopeAuth: {
      authorizeOnSubscribe: true,
      authScopes: async (ctx) => {
        const { principal } = ctx;
        const base: ScopeLoaders = {
          public: true,
          authenticated: principal.kind !== 'anonymous',
          operator: principal.kind === 'operator',
          merchant: principal.kind === 'merchant',
          partner: principal.kind === 'partner',
          customer: principal.kind === 'customer',
        } as ScopeLoaders;
        const extra = await Promise.all(pluginScopes.map((scopes) => scopes(ctx)));
        return Object.assign(base, ...extra);
      },
      unauthorizedError: (_parent, ctx, info, result) => {
        if (ctx.principal.kind === 'anonymous') {
          return new GraphQLError('Authentication required: send an API key or session token', {
            extensions: { code: 'UNAUTHENTICATED' },
          });
        }
        const field = `${info.parentType.name}.${info.fieldName}`;
        const requiredRoles = rolesIn(result.failure);
        const needs = requiredRoles.length > 0 ? requiredRoles.join(' or ') : 'another principal';
        return new GraphQLError(`${field} needs ${needs}; you are ${ctx.principal.kind}`, {
          extensions: { code: 'FORBIDDEN', requiredRoles, field },
        });
      },
    },
    errors: {
      defaultTypes: [],
      directResult: true,
    },
    relay: {
      clientMutationId: 'omit',
      cursorType: 'String',
      // Connection and edge types are shapes around fields that were already authorized.
      defaultConnectionTypeOptions: { authScopes: { public: true } },
      defaultEdgeTypeOptions: { authScopes: { public: true } },
      pageInfoTypeOptions: { authScopes: { public: true } },
      nodeQueryOptions: false,
      nodesQueryOptions: false,
    },
  });
  builder.queryType({});
  builder.mutationType({});
  builder.subscriptionType({});
  return builder as unknown as GatewayBuilder;
}

export type { GatewayAuthScopes, GatewayObjects };
export { GatewayError };
