import {
  GraphQLError,
  GraphQLID,
  type GraphQLInputType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLScalarType,
  type GraphQLSchema,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type ValueNode,
} from 'graphql';
import { isUuid } from '../uuid.ts';

function notAUuid(node?: ValueNode): GraphQLError {
  return new GraphQLError('ID must be a UUID, e.g. 0f8e5d5c-5b1e-4c1e-9d55-3c8f9c1b2a7e', {
    nodes: node,
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/**
 * `ID` as the gateway takes it: every id a client sends names a row whose key is a UUID, so
 * anything else is refused while the request is parsed (BAD_USER_INPUT), instead of
 * reaching a `uuid` column whose driver error would be a 500 that quotes the value. Output
 * ids are serialized exactly as before.
 */
export const UuidIdInput = new GraphQLScalarType({
  ...GraphQLID.toConfig(),
  parseValue: (value) => {
    if (typeof value !== 'string' || !isUuid(value)) throw notAUuid();
    return value;
  },
  parseLiteral: (node) => {
    if (node.kind !== Kind.STRING || !isUuid(node.value)) throw notAUuid(node);
    return node.value;
  },
});

function swapId(type: GraphQLInputType): GraphQLInputType {
  if (isNonNullType(type)) return new GraphQLNonNull(swapId(type.ofType) as never);
  if (isListType(type)) return new GraphQLList(swapId(type.ofType));
  return type === GraphQLID ? UuidIdInput : type;
}

/**
 * Makes every input position of `ID` (arguments, input object fields, `$variables: ID`) use
 * `UuidIdInput`. Pothos always builds the standard `ID`, so this edits the built schema, as
 * the plugin field gate does.
 */
export function requireUuidIds(schema: GraphQLSchema): void {
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields()))
        for (const arg of field.args) arg.type = swapId(arg.type);
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) field.type = swapId(field.type);
    }
  }
  // Variable definitions look their type up by name.
  (schema.getTypeMap() as Record<string, unknown>).ID = UuidIdInput;
}
