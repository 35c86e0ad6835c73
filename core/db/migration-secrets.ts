import type { SecretBox } from '../crypto/secret-box.ts';

// Keyed by the ORM's configuration, which MikroORM hands every migration it constructs: a
// migration that re-seals rows reaches the gateway's master key without a global.
const byConfig = new WeakMap<object, SecretBox>();

/** Lets the migrations of this ORM seal and open values (the gateway calls it once at boot). */
export function provideMigrationSecrets(ormConfig: object, secrets: SecretBox): void {
  byConfig.set(ormConfig, secrets);
}

/** The master key's SecretBox for a migration's `this.config`. */
export function migrationSecrets(ormConfig: object): SecretBox {
  const secrets = byConfig.get(ormConfig);
  if (!secrets)
    throw new Error('this migration seals values: run it through the gateway, which holds the master key');
  return secrets;
}
