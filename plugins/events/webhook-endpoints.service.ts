import { randomUUID } from 'node:crypto';
import {
  canSeeMerchant,
  Merchant,
  type MerchantContext,
  NotFoundError,
  type OperatorContext,
  Partner,
  type PartnerContext,
  type PrincipalOf,
  query,
  type RequestContext,
  type SecretBox,
  ValidationError,
} from '../../core/plugin-api.ts';
import type { WebhookDefaultsBoard } from './defaults/webhook-defaults-board.ts';
import { checkedTypePatterns } from './event-types.ts';
import type { EventsOptions } from './events.options.ts';
import { WebhookAttempt } from './webhook-attempt.entity.ts';
import { type DeliveryState, WebhookDelivery } from './webhook-delivery.entity.ts';
import { WebhookEndpoint } from './webhook-endpoint.entity.ts';
import type { EndpointOwner, PayloadQueries } from './webhook-payload-query.ts';
import { mintWebhookSecret, sealWebhookSecret } from './webhook-secrets.ts';
import { webhookUrlProblem } from './webhook-url.ts';

const CURSOR = /^\d{1,19}$/;

export interface WebhookEndpointInput {
  url: string;
  /** Absent: the owner merchant's default (webhook defaults), refused when it has none. */
  eventTypes?: readonly string[] | null;
  description?: string | null;
  /** A partner narrowing the endpoint to one granted merchant; an operator naming the owner merchant. */
  merchantId?: string | null;
  /** A GraphQL subscription document shaping the deliveries' bodies (webhook-payload-query.ts). */
  payloadQuery?: string | null;
}

export interface WebhookEndpointUpdate {
  url?: string | null;
  eventTypes?: readonly string[] | null;
  description?: string | null;
  enabled?: boolean | null;
  /** A new document; null removes it (default bodies again); absent keeps it. */
  payloadQuery?: string | null;
}

/** The callers the webhook fields admit: endpoints belong to partners and merchants, operators see all. */
type OwnerContext = OperatorContext | MerchantContext | PartnerContext;

/** Who may manage an endpoint: its owner, and operators. */
function canManage(
  principal: PrincipalOf<'operator' | 'merchant' | 'partner'>,
  endpoint: WebhookEndpoint,
): boolean {
  switch (principal.kind) {
    case 'operator':
      return true;
    case 'partner':
      return endpoint.partner?.id === principal.partnerId;
    case 'merchant':
      return !endpoint.partner && endpoint.merchant?.id === principal.merchantId;
  }
}

/** Partners' and merchants' webhook endpoints: registration, secrets, deliveries and replays. */
export class WebhookEndpointsService {
  readonly #secrets: SecretBox;
  readonly #options: EventsOptions['webhooks'];
  readonly #wakeDispatcher: () => void;
  readonly #payloadQueries: PayloadQueries;
  readonly #defaults: WebhookDefaultsBoard;

  constructor(
    secrets: SecretBox,
    options: EventsOptions['webhooks'],
    wakeDispatcher: () => void,
    payloadQueries: PayloadQueries,
    defaults: WebhookDefaultsBoard,
  ) {
    this.#defaults = defaults;
    this.#secrets = secrets;
    this.#options = options;
    this.#wakeDispatcher = wakeDispatcher;
    this.#payloadQueries = payloadQueries;
  }

  /** The document checked against what the endpoint's owner (not the caller) may read. */
  async #payloadQuery(
    ctx: RequestContext,
    owner: EndpointOwner,
    source: string,
    eventTypes: readonly string[],
  ): Promise<string> {
    const ownerCtx = await this.#payloadQueries.ownerContext(ctx.em, owner);
    return this.#payloadQueries.check(ownerCtx, source, eventTypes);
  }

  #url(url: string): string {
    const problem = webhookUrlProblem(url.trim(), this.#options.allowInsecureUrls);
    if (problem) throw new ValidationError('url', problem);
    return url.trim();
  }

  #description(description: string | null | undefined): string | null {
    const trimmed = description?.trim() ?? '';
    if (trimmed.length > 200) throw new ValidationError('description', 'at most 200 characters');
    return trimmed || null;
  }

  /** The caller's types, else the owner merchant's default; a partner's every-merchant endpoint has none. */
  #eventTypesFor(given: readonly string[] | null | undefined, merchantId: string | null): string[] {
    if (given != null) return checkedTypePatterns(given);
    const defaults = merchantId ? this.#defaults.eventTypes(merchantId) : null;
    if (!defaults)
      throw new ValidationError('eventTypes', 'name the event types: the merchant has no default ones');
    return defaults;
  }

  async create(
    ctx: OwnerContext,
    input: WebhookEndpointInput,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    const { principal } = ctx;
    const url = this.#url(input.url);
    const description = this.#description(input.description);
    let partner: Partner | null = null;
    let merchantId: string | null = null;
    if (principal.kind === 'partner') {
      partner = ctx.em.getReference(Partner, principal.partnerId);
      merchantId = input.merchantId ?? null;
      if (merchantId && !canSeeMerchant(principal, merchantId))
        throw new NotFoundError('Merchant', merchantId);
    } else if (principal.kind === 'merchant') {
      if (input.merchantId && input.merchantId !== principal.merchantId) {
        throw new ValidationError('merchantId', 'a merchant registers endpoints for itself only');
      }
      merchantId = principal.merchantId;
    } else {
      if (!input.merchantId) throw new ValidationError('merchantId', 'operators must name the merchant');
      merchantId = input.merchantId;
      if (!(await ctx.em.findOne(Merchant, { id: merchantId })))
        throw new NotFoundError('Merchant', merchantId);
    }
    const eventTypes = this.#eventTypesFor(input.eventTypes, merchantId);
    const id = randomUUID();
    const payloadQuery =
      input.payloadQuery == null
        ? null
        : await this.#payloadQuery(
            ctx,
            { endpointId: id, partnerId: partner?.id ?? null, merchantId },
            input.payloadQuery,
            eventTypes,
          );
    const secret = mintWebhookSecret();
    const endpoint = ctx.em.create(WebhookEndpoint, {
      id,
      partner,
      merchant: merchantId ? ctx.em.getReference(Merchant, merchantId) : null,
      url,
      description,
      eventTypes,
      payloadQuery,
      secretSealed: sealWebhookSecret(this.#secrets, id, secret),
      previousSecretSealed: null,
      previousSecretExpiresAt: null,
      createdAt: new Date(),
      disabledAt: null,
    });
    await ctx.em.flush();
    return { endpoint, secret };
  }

  async get(ctx: OwnerContext, id: string): Promise<WebhookEndpoint> {
    const endpoint = await ctx.em.findOne(WebhookEndpoint, { id });
    if (!endpoint || !canManage(ctx.principal, endpoint)) throw new NotFoundError('WebhookEndpoint', id);
    return endpoint;
  }

  list(ctx: OwnerContext): Promise<WebhookEndpoint[]> {
    const { principal } = ctx;
    const where =
      principal.kind === 'operator'
        ? {}
        : principal.kind === 'partner'
          ? { partner: principal.partnerId }
          : { merchant: principal.merchantId, partner: null };
    return ctx.em.find(WebhookEndpoint, where, { orderBy: { createdAt: 'asc', id: 'asc' } });
  }

  async update(ctx: OwnerContext, id: string, input: WebhookEndpointUpdate): Promise<WebhookEndpoint> {
    const endpoint = await this.get(ctx, id);
    return ctx.em.transactional(async (tx) => {
      if (input.url != null) endpoint.url = this.#url(input.url);
      if (input.eventTypes != null) endpoint.eventTypes = checkedTypePatterns(input.eventTypes);
      if (input.description !== undefined) endpoint.description = this.#description(input.description);
      if (input.payloadQuery !== undefined) endpoint.payloadQuery = input.payloadQuery;
      const document = endpoint.payloadQuery;
      if (document != null && (input.payloadQuery != null || input.eventTypes != null)) {
        // A new document, or new event types under the old one: checked for the owner as it is now.
        const owner = {
          endpointId: endpoint.id,
          partnerId: endpoint.partner?.id ?? null,
          merchantId: endpoint.merchant?.id ?? null,
        };
        endpoint.payloadQuery = await this.#payloadQuery(ctx, owner, document, endpoint.eventTypes);
      }
      if (input.enabled === false && !endpoint.disabledAt) {
        endpoint.disabledAt = new Date();
        // Nothing more goes out to a disabled endpoint; a replay after re-enabling sends it again.
        await tx.nativeUpdate(
          WebhookDelivery,
          { endpoint: endpoint.id, state: 'pending' },
          { state: 'failed', leaseToken: null },
        );
      }
      if (input.enabled === true) endpoint.disabledAt = null;
      tx.persist(endpoint);
      return endpoint;
    });
  }

  /**
   * A new secret, shown once. The old one keeps signing too (a second `v1`) for
   * `overlapSeconds`, so receivers can switch without dropping a delivery.
   */
  async rotateSecret(
    ctx: OwnerContext,
    id: string,
    overlapSeconds: number,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    if (
      !Number.isInteger(overlapSeconds) ||
      overlapSeconds < 0 ||
      overlapSeconds > this.#options.maxRotationOverlapSeconds
    ) {
      throw new ValidationError(
        'overlapSeconds',
        `overlapSeconds must be a whole number from 0 to ${this.#options.maxRotationOverlapSeconds}`,
      );
    }
    const endpoint = await this.get(ctx, id);
    const secret = mintWebhookSecret();
    endpoint.previousSecretSealed = overlapSeconds > 0 ? endpoint.secretSealed : null;
    endpoint.previousSecretExpiresAt =
      overlapSeconds > 0 ? new Date(Date.now() + overlapSeconds * 1000) : null;
    endpoint.secretSealed = sealWebhookSecret(this.#secrets, endpoint.id, secret);
    await ctx.em.flush();
    return { endpoint, secret };
  }

  async delete(ctx: OwnerContext, id: string): Promise<string> {
    const endpoint = await this.get(ctx, id);
    await ctx.em.nativeDelete(WebhookEndpoint, { id: endpoint.id });
    return endpoint.id;
  }

  /**
   * Sends again every stored event after `after` that the endpoint wants (optionally only some
   * types): delivered ones are delivered once more, and events from before the endpoint existed
   * are included. Returns how many deliveries were scheduled.
   */
  async replay(
    ctx: OwnerContext,
    id: string,
    args: { after: string; types?: readonly string[] | null },
  ): Promise<number> {
    if (!CURSOR.test(args.after))
      throw new ValidationError('after', 'not a cursor: pass the `cursor` of an event');
    const types = args.types ? checkedTypePatterns(args.types) : null;
    const endpoint = await this.get(ctx, id);
    if (endpoint.disabledAt) throw new ValidationError('id', 'the endpoint is disabled: enable it first');
    const typeFilter = types ? 'and e.type = any(array[?]::text[])' : '';
    const [scheduled] = await query<{ n: number }>(
      ctx.em,
      `with scheduled as (insert into webhook_delivery (id, endpoint_id, event_id, state, attempts, next_attempt_at, created_at)
       select gen_random_uuid(), w.id, e.id, 'pending', 0, clock_timestamp(), clock_timestamp()
       from gateway_event e join webhook_endpoint w on w.id = ?
       where e.position > ?::bigint ${typeFilter}
         and webhook_endpoint_wants(w.partner_id, w.merchant_id, w.event_types, e.merchant_id, e.type)
       order by e.position
       on conflict (endpoint_id, event_id) do update set state = 'pending', lease_token = null,
         next_attempt_at = excluded.next_attempt_at, created_at = excluded.created_at, delivered_at = null
       returning 1)
       select count(*)::int as n from scheduled`,
      [endpoint.id, args.after, ...(types ? [types] : [])],
    );
    this.#wakeDispatcher();
    return scheduled!.n;
  }

  deliveries(
    ctx: RequestContext,
    endpoint: WebhookEndpoint,
    args: { state?: DeliveryState | null; limit: number; offset: number },
  ): Promise<WebhookDelivery[]> {
    return ctx.em.find(
      WebhookDelivery,
      { endpoint: endpoint.id, ...(args.state ? { state: args.state } : {}) },
      {
        orderBy: { createdAt: 'desc', id: 'desc' },
        limit: args.limit,
        offset: args.offset,
        populate: ['event'],
      },
    );
  }

  attempts(ctx: RequestContext, delivery: WebhookDelivery): Promise<WebhookAttempt[]> {
    return ctx.em.find(WebhookAttempt, { delivery: delivery.id }, { orderBy: { number: 'asc' } });
  }
}
