import { authPlugin } from './auth/auth.plugin.ts';
import type { GatewayConfig } from './config.ts';
import { enablementPlugin } from './enablement/enablement.plugin.ts';
import type { InstalledPlugin } from './plugin.ts';
import { privacyPlugin } from './privacy/privacy.plugin.ts';

/** The kernel's own plugins (named in the registry's KERNEL_PLUGINS), installed before any the operator lists. */
export function kernelPlugins(config: Pick<GatewayConfig, 'auth' | 'plugins'>): InstalledPlugin[] {
  return [authPlugin.with(config.auth ?? {}), privacyPlugin, enablementPlugin(config.plugins)];
}
