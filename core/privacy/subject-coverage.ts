import { BootError } from '../boot-error.ts';
import { type DataMap, isPersonal } from '../db/data-map.ts';

const SUBJECT_HOOKS = ['subject.export', 'subject.erase'] as const;

/** The fields of a data map that are personal data, as `Entity.field`. */
function personalFields(dataMap: DataMap | undefined): string[] {
  return Object.entries(dataMap ?? {}).flatMap(([entity, fields]) =>
    Object.entries(fields)
      .filter(([, classification]) => isPersonal(classification))
      .map(([field]) => `${entity}.${field}`),
  );
}

/**
 * A plugin that stores personal data answers for it: a subject's access request must reach it
 * (`subject.export`) and so must an erasure (`subject.erase`), or the gateway would promise a
 * complete answer it cannot give (GDPR Art. 15 and 17). Read from the data map, so a plugin that
 * adds a personal field later is held to it at once.
 */
export function assertSubjectHooksAnswered(
  plugins: readonly { readonly name: string; readonly dataMap?: DataMap }[],
  handles: (plugin: string, hook: (typeof SUBJECT_HOOKS)[number]) => boolean,
): void {
  const refusals = plugins.flatMap(({ name, dataMap }) => {
    const personal = personalFields(dataMap);
    const missing = SUBJECT_HOOKS.filter((hook) => !handles(name, hook));
    if (personal.length === 0 || missing.length === 0) return [];
    return [
      new BootError({
        plugin: name,
        problem: `it stores personal data (${personal.slice(0, 3).join(', ')}${personal.length > 3 ? ', ...' : ''}) and does not handle ${missing.map((h) => `"${h}"`).join(' or ')}`,
        fix: `return hooks: { ${missing.map((h) => `'${h}': ...`).join(', ')} } from the plugin's setup (docs/plugin-authoring.md, section 9)`,
      }),
    ];
  });
  if (refusals.length > 0) throw BootError.all(refusals);
}
