import { type FieldClassification, isPersonal } from '../db/data-map.ts';
import type { PluginDefinition } from '../plugin.ts';

/** One stored field as the record of processing (GDPR Art. 30(1)) lists it. */
export interface ProcessingEntry extends FieldClassification {
  readonly plugin: string;
  readonly entity: string;
  readonly field: string;
  readonly personal: boolean;
}

/**
 * Every installed plugin's data map, flattened in plugin order: what the gateway stores, why,
 * on which legal basis, for how long and who receives it. Built once at boot from the same
 * declarations that boot checks, so it cannot drift from the code.
 */
export function recordOfProcessing(plugins: readonly PluginDefinition[]): readonly ProcessingEntry[] {
  return plugins.flatMap((plugin) =>
    Object.entries(plugin.dataMap ?? {}).flatMap(([entity, fields]) =>
      Object.entries(fields).map(([field, classification]) => ({
        plugin: plugin.name,
        entity,
        field,
        personal: isPersonal(classification),
        ...classification,
      })),
    ),
  );
}
