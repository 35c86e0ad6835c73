/**
 * Whether a string is a UUID. Ids from clients are checked before they reach a `uuid` column,
 * which would reject them with an error instead of finding nothing.
 */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
