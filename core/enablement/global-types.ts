import type { HookSpec } from '../global-types.ts';
import type { EnablementService } from './enablement.service.ts';
import type { PluginSwitched } from './plugin-switched.ts';

declare module '../global-types.ts' {
  interface GatewayServices {
    /** Per-merchant plugin switches: `isEnabled` on the hot path, changes and their audit. */
    enablement: EnablementService;
  }
  interface GatewayHooks {
    /** Declared by the enablement kernel plugin; handlers run inside the changing transaction. */
    'plugin.switched': HookSpec<PluginSwitched, void>;
  }
}
