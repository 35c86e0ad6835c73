import { type GraphQLField, type GraphQLSchema, isInterfaceType, isObjectType } from 'graphql';
import { BootError } from '../boot-error.ts';

type WithPothos = { extensions?: { pothosOptions?: { authScopes?: unknown } } | null };

const policyOf = (thing: WithPothos) => thing.extensions?.pothosOptions?.authScopes;

/**
 * Fields that would be served without an explicit auth policy. Root fields (Query, Mutation,
 * Subscription) need their own; other fields may inherit their type's. Scope-auth only checks
 * what is declared, so this is what makes the schema default-deny.
 */
export function fieldsWithoutAuthPolicy(schema: GraphQLSchema): string[] {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const inherited = roots.has(type as never) ? undefined : policyOf(type as WithPothos);
    for (const field of Object.values(type.getFields()) as GraphQLField<unknown, unknown>[]) {
      if (policyOf(field as WithPothos) === undefined && inherited === undefined)
        missing.push(`${type.name}.${field.name}`);
    }
  }
  return missing;
}

export function assertEveryFieldHasAuthPolicy(schema: GraphQLSchema): void {
  const missing = fieldsWithoutAuthPolicy(schema);
  if (missing.length > 0) {
    throw new BootError({
      problem: `${missing.length} field(s) have no auth policy: ${missing.slice(0, 10).join(', ')}`,
      fix: 'give each field `authScopes` (or its object type one); write `authScopes: { public: true }` for open fields',
    });
  }
}
