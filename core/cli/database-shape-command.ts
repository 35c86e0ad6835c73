import type { GatewayConfig } from '../config.ts';
import { printDatabaseShape } from '../db/database-shape.ts';
import { createGateway } from '../gateway.ts';
import { withoutDatabase } from './load-config.ts';

/**
 * `gateway schema print-db`: the shape the config's migrations build, on a throwaway in-memory
 * database, never the configured one: printing must not migrate an operator's database.
 */
export async function printFreshDatabaseShape(config: GatewayConfig): Promise<string> {
  const gateway = await createGateway(withoutDatabase(config));
  try {
    await gateway.migrate();
    return await printDatabaseShape(gateway.database);
  } finally {
    await gateway.close();
  }
}
