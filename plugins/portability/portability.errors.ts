import { GatewayError } from '../../core/plugin-api.ts';

/** The merchant has no live subject of that reference: never seen, or erased. */
export class UnknownDataSubject extends GatewayError {
  constructor() {
    super('UNKNOWN_DATA_SUBJECT', 'The merchant holds no data about a subject of that reference');
  }
}
