import { type ASTNode, BREAK, type DocumentNode, type GraphQLError, Kind, visit } from 'graphql';

/**
 * The input a validation error is about, as a dotted path (`input.amount.currency`): the
 * arguments and input-object fields around the literal that the error points at.
 */
export function literalInputPath(document: DocumentNode, target: ASTNode): string | undefined {
  const names: string[] = [];
  let found: string | undefined;
  visit(document, {
    enter(node) {
      if (node === target) {
        found = names.join('.') || undefined;
        return BREAK;
      }
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
      return undefined;
    },
    leave(node) {
      if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.pop();
    },
  });
  return found;
}

/**
 * The variable a coercion error is about: graphql-js names it in the message
 * (`Variable "$input" got invalid value ... at "input.customerId"`) and points at its definition.
 */
export function variableInputPath(error: GraphQLError): string | undefined {
  const at = /^Variable "\$[_A-Za-z0-9]+" got invalid value .*? at "([^"]+)";/s.exec(error.message)?.[1];
  if (at) return at;
  const node = error.nodes?.[0];
  return node?.kind === Kind.VARIABLE_DEFINITION ? node.variable.name.value : undefined;
}
