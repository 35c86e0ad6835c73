import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { GatewayBuilder } from '../../schema/builder.ts';
import type { Principal } from '../auth/principal.ts';
import type { RequestContext } from '../context.ts';
import type { ResolvedPlugin } from '../registry.ts';

const ROOT_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);
type RootFields = Map<string, Set<string>>;
type Resolver = GraphQLFieldResolver<unknown, RequestContext>;

function pluginDisabled(plugin: string): GraphQLError {
  return new GraphQLError(
    `The "${plugin}" plugin is disabled for this merchant; an operator can enable it (setPluginEnabled)`,
    { extensions: { code: 'PLUGIN_DISABLED', plugin } },
  );
}

/**
 * Operators and partners are not gated here: operators run the gateway and must reach every
 * field to look into a merchant's case; a partner's request may concern several merchants, and
 * which one a field is about is known only to its resolver (a plugin whose fields serve partners
 * checks `services.enablement.isEnabled` for the merchant it reads). Hooks still skip a disabled
 * plugin for any caller.
 */
function merchantOf(principal: Principal): string | undefined {
  return principal.kind === 'merchant' || principal.kind === 'customer' ? principal.merchantId : undefined;
}

/**
 * Makes every root field a per-merchant plugin adds answer PLUGIN_DISABLED, without running, for
 * a caller whose merchant has the plugin off. Other plugins' fields are left as built: no cost.
 */
export class PluginFieldGate {
  readonly #perMerchant: ReadonlySet<string>;
  readonly #recorded = new Map<string, RootFields>();

  constructor(plugins: readonly ResolvedPlugin[]) {
    this.#perMerchant = new Set(plugins.filter((p) => p.definition.enablement).map((p) => p.definition.name));
  }

  /**
   * Runs a plugin's `schema(builder)`; for a per-merchant plugin, records the root fields it adds.
   * Every way of adding fields (queryField(s), mutationField(s), objectField('Query'), ...) goes
   * through `configStore.addFields` with a thunk that Pothos calls when it builds the schema, so
   * the recording wraps that thunk and reads its field names then.
   */
  register(builder: GatewayBuilder, plugin: string, schema: () => void): void {
    if (!this.#perMerchant.has(plugin)) {
      schema();
      return;
    }
    const recorded: RootFields = new Map();
    this.#recorded.set(plugin, recorded);
    const store = builder.configStore;
    const addFields = store.addFields;
    store.addFields = (param, fields) => {
      const root = typeof param === 'string' ? param : (param as { name?: string }).name;
      if (!root || !ROOT_TYPES.has(root)) return addFields.call(store, param, fields);
      addFields.call(store, param, () => {
        const map = fields();
        recorded.set(root, new Set([...(recorded.get(root) ?? []), ...Object.keys(map)]));
        return map;
      });
    };
    try {
      schema();
    } finally {
      store.addFields = addFields;
    }
  }

  /** After the schema is built: wraps the recorded fields' resolve (and subscribe). */
  apply(schema: GraphQLSchema, isEnabled: (plugin: string, merchantId: string) => boolean): void {
    const rootTypes = {
      Query: schema.getQueryType(),
      Mutation: schema.getMutationType(),
      Subscription: schema.getSubscriptionType(),
    };
    for (const [plugin, roots] of this.#recorded) {
      const guard = (ctx: RequestContext) => {
        const merchantId = merchantOf(ctx.principal);
        if (merchantId !== undefined && !isEnabled(plugin, merchantId)) throw pluginDisabled(plugin);
      };
      const gated =
        (run: Resolver): Resolver =>
        (source, args, ctx, info) => {
          guard(ctx);
          return run(source, args, ctx, info);
        };
      for (const [root, names] of roots) {
        const type = rootTypes[root as keyof typeof rootTypes]!;
        for (const name of names) {
          const field = type.getFields()[name]!;
          field.resolve = gated((field.resolve as Resolver | undefined) ?? defaultFieldResolver);
          // Checked when a subscription starts, and again for each event it delivers afterwards.
          if (field.subscribe) field.subscribe = gated(field.subscribe as Resolver);
        }
      }
    }
  }
}
