/**
 * The one leaf module that plugins extend by declaration merging, the way Pothos keeps its
 * `global-types.ts`. It imports nothing of the project, so no extension of it can ever close an
 * import cycle. Each plugin merges its entries from its own `global-types.ts`:
 *
 *   declare module '../../core/global-types.ts' {
 *     interface GatewayServices { wallet: WalletService }
 *     interface GatewayHooks { 'payment.beforeAuthorize': HookSpec<BeforeAuthorize, AuthorizeVerdict> }
 *     interface GatewayObjects { Wallet: Wallet }
 *   }
 */

/**
 * Services by key: each plugin's under its name (`services.wallet`), the kernel's under
 * camelCase keys no kebab-case plugin name can take (`auth`, `stepUp`, `enablement`).
 */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface GatewayServices {}

/** What a hook's handlers receive and what each answers; the declaring plugin combines the answers. */
export interface HookSpec<Input, Answer> {
  readonly input: Input;
  readonly answer: Answer;
}

/** Hook name -> `HookSpec`. Declared by the plugin that runs the hook, handled by any plugin. */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface GatewayHooks {}

/**
 * The scopes a field may require. The kernel defines the principal kinds; a plugin adds a
 * scope by merging into this interface and supplying its loader through `authScopes`.
 */
export interface GatewayAuthScopes {
  /** Anyone, signed in or not: must be said explicitly. */
  public: boolean;
  authenticated: boolean;
  operator: boolean;
  merchant: boolean;
  partner: boolean;
  customer: boolean;
}

/** Object shapes by GraphQL type name, so plugins can extend each other's types by name. */
// biome-ignore lint/suspicious/noEmptyInterface: extended by declaration merging
export interface GatewayObjects {}
