import { authPlugin } from './auth/auth.plugin.ts';
import type { GatewayConfig } from './config.ts';
import { enablementPlugin } from './enablement/enablement.plugin.ts';
import type { InstalledPlugin } from './plugin.ts';
import { privacyPlugin } from './privacy/privacy.plugin.ts';

/** The kernel's own plugins (named in the registry's KERNEL_PLUGINS), installed before any the operator lists. */
export function kernelPlugins(config: Pick<GatewayConfig, 'auth' | 'plugins'>): InstalledPlugin[] {
  const auth = authPlugin.with(config.auth ?? {});
  const enablement = enablementPlugin(config.plugins);
  // The privacy plugin keeps no data of its own; its record of processing covers everyone else's.
  return [auth, privacyPlugin([auth, enablement, ...config.plugins]), enablement];
}
