import { authPlugin } from './auth/auth.plugin.ts';
import type { GatewayConfig } from './config.ts';
import type { InstalledPlugin } from './plugin.ts';
import { privacyPlugin } from './privacy/privacy.plugin.ts';

/** The kernel's own plugins, installed before any the operator lists. */
export function kernelPlugins(config: Pick<GatewayConfig, 'auth'>): InstalledPlugin[] {
  return [authPlugin.with(config.auth ?? {}), privacyPlugin];
}

export const KERNEL_PLUGIN_NAMES: ReadonlySet<string> = new Set([authPlugin.name, privacyPlugin.name]);
