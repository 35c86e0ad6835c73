/**
 * The optional profile a merchant may keep about its customer (issue 11), each value sealed
 * under the customer's subject key. Named here, in the kernel, because purposes of any plugin
 * say which of them they need; the payments plugin stores them on its customers.
 */
export const PROFILE_FIELDS = ['name', 'email', 'phone', 'birthDate', 'countryOfResidence'] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];
