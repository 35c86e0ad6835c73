/**
 * The base of every error a client is meant to act on. Fields list the classes they return
 * (Pothos errors plugin) and the client receives them as members of the field's result union,
 * each with a stable `code`.
 */
export class GatewayError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

/** Input that is well-formed GraphQL but not acceptable: names the offending field. */
export class ValidationError extends GatewayError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('VALIDATION_FAILED', message);
    this.field = field;
  }
}

export class NotFoundError extends GatewayError {
  readonly resource: string;

  constructor(resource: string, id: string) {
    super('NOT_FOUND', `${resource} ${id} was not found`);
    this.resource = resource;
  }
}
