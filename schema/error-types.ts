import type { GatewayBuilder, GatewaySchemaTypes } from './builder.ts';
import { GatewayError, NotFoundError, ValidationError } from './errors.ts';

type Types = PothosSchemaTypes.ExtendDefaultTypes<GatewaySchemaTypes>;

/** What an error type adds to `code` and `message`: its own fields and description. */
export type ErrorTypeOptions<Shape> = Pick<
  PothosSchemaTypes.ObjectTypeOptions<Types, Shape>,
  'description'
> & {
  fields?: PothosSchemaTypes.ObjectTypeOptions<Types, Shape>['fields'];
};

/**
 * Registers a typed error result in one call: a GraphQL object named after the class that
 * implements `Error`, readable by anyone who may read the field that returns it, and recognised
 * in result unions by `instanceof`.
 */
export function registerErrorType<Shape extends GatewayError>(
  builder: GatewayBuilder,
  // biome-ignore lint/suspicious/noExplicitAny: any constructor signature: the class is only matched by instanceof
  errorClass: new (...args: any[]) => Shape,
  options: ErrorTypeOptions<Shape> = {},
): void {
  // Pothos cannot check a generic shape against the interface here; the signature above types the caller.
  const untyped = builder as unknown as { objectType(ref: unknown, options: object): void };
  untyped.objectType(errorClass, {
    name: errorClass.name,
    description: options.description,
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value: unknown) => value instanceof errorClass,
    fields: options.fields ?? (() => ({})),
  });
}

/** The `Error` interface every error result implements, and the kernel's own error types. */
export function registerKernelErrorTypes(builder: GatewayBuilder): void {
  builder.interfaceType(GatewayError, {
    name: 'Error',
    description: 'An error the client is expected to handle; `code` is stable, `message` is for people.',
    authScopes: { public: true },
    fields: (t) => ({
      code: t.exposeString('code'),
      message: t.exposeString('message'),
    }),
  });
  registerErrorType(builder, ValidationError, {
    fields: (t) => ({
      field: t.exposeString('field', { description: 'The input field that was rejected.' }),
    }),
  });
  registerErrorType(builder, NotFoundError, { fields: (t) => ({ resource: t.exposeString('resource') }) });
}
