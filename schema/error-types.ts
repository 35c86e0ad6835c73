import type { GatewayBuilder } from './builder.ts';
import { GatewayError, NotFoundError, ValidationError } from './errors.ts';

/** The `Error` interface every error result implements, and the kernel's own error types. */
export function registerErrorTypes(builder: GatewayBuilder): void {
  builder.interfaceType(GatewayError, {
    name: 'Error',
    description: 'An error the client is expected to handle; `code` is stable, `message` is for people.',
    authScopes: { public: true },
    fields: (t) => ({
      code: t.exposeString('code'),
      message: t.exposeString('message'),
    }),
  });
  builder.objectType(ValidationError, {
    name: 'ValidationError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof ValidationError,
    fields: (t) => ({
      field: t.exposeString('field', { description: 'The input field that was rejected.' }),
    }),
  });
  builder.objectType(NotFoundError, {
    name: 'NotFoundError',
    interfaces: [GatewayError],
    authScopes: { public: true },
    isTypeOf: (value) => value instanceof NotFoundError,
    fields: (t) => ({ resource: t.exposeString('resource') }),
  });
}
