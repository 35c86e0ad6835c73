import type { EntityManager } from '@mikro-orm/core';
import { GraphQLError } from 'graphql';
import { NotFoundError, ValidationError } from '../../schema/errors.ts';
import type { MerchantContext, OperatorContext, RequestContext } from '../context.ts';
import { query } from '../db/sql.ts';
import { countryOf } from '../privacy/jurisdiction.ts';
import type { SubjectKeys } from '../privacy/subject-keys.ts';
import { isUuid } from '../uuid.ts';
import { ApiKey, type ApiKeyKind } from './api-key.entity.ts';
import { announceRevocation } from './credential-propagation.ts';
import { CustomerSession } from './customer-session.entity.ts';
import { type CredentialEnd, type CredentialRef, LiveCredentials } from './live-credentials.ts';
import { Merchant } from './merchant.entity.ts';
import { Partner } from './partner.entity.ts';
import { PartnerGrant } from './partner-grant.entity.ts';
import { ANONYMOUS, type Principal } from './principal.ts';
import { PrincipalCache } from './principal-cache.ts';
import { hashToken, mintToken, tokenKind } from './tokens.ts';

export const MAX_SESSION_TTL_SECONDS = 24 * 3600;

export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
}

function requireName(field: string, value: string): string {
  const name = value.trim();
  if (name.length === 0 || name.length > 200)
    throw new ValidationError(field, `${field} must be 1 to 200 characters`);
  return name;
}

export interface CreateApiKeyInput {
  kind: ApiKeyKind;
  label: string;
  merchantId?: string | null;
  partnerId?: string | null;
}

/**
 * Principals and their credentials. Every call that acts for someone takes the request
 * context first; `authenticate` runs before there is one.
 */
export class AuthService {
  readonly #cache: PrincipalCache;
  /** Open sockets and streams, ended when their credential is revoked or expires. */
  readonly live = new LiveCredentials();

  /** The privacy plugin's subject keys: set up after this plugin, so reached at call time. */
  readonly #keys: () => SubjectKeys;

  constructor(principalCacheMs: number, keys: () => SubjectKeys) {
    this.#cache = new PrincipalCache(principalCacheMs);
    this.#keys = keys;
  }

  /** A credential stops working in this process: its cached principal and every open use of it. */
  end(ref: CredentialRef, reason: CredentialEnd): void {
    this.#cache.forget((cached) =>
      ref.kind === 'session'
        ? cached.kind === 'customer' && cached.sessionId === ref.id
        : 'keyId' in cached && cached.keyId === ref.id,
    );
    this.live.end(ref, reason);
  }

  /** The principal a credential stands for; a credential that is given but not valid is an error, not anonymity. */
  async authenticate(em: EntityManager, token: string | undefined): Promise<Principal> {
    if (!token) return ANONYMOUS;
    const kind = tokenKind(token);
    if (!kind) throw unauthenticated('The credential is not a gateway API key or session token');
    const hash = hashToken(token);
    const cached = this.#cache.get(hash);
    if (cached) return cached;
    if (kind === 'session') {
      const session = await em.findOne(CustomerSession, { tokenHash: hash });
      if (!session || session.revokedAt || session.expiresAt.getTime() <= Date.now()) {
        throw unauthenticated('The session token is unknown, expired or revoked');
      }
      // One unwrap of the subject's key per session and cache lifetime, not per request.
      const customerRef = await this.#keys().customerRef(em, session.subject.id);
      if (customerRef === null) throw unauthenticated('The session token is unknown, expired or revoked');
      const principal: Principal = {
        kind: 'customer',
        sessionId: session.id,
        merchantId: session.merchant.id,
        customerRef,
        subjectId: session.subject.id,
        expiresAt: session.expiresAt,
      };
      this.#cache.set(hash, principal, session.expiresAt.getTime());
      return principal;
    }
    const key = await em.findOne(ApiKey, { secretHash: hash });
    if (!key || key.revokedAt) throw unauthenticated('The API key is unknown or revoked');
    const principal = await this.#principalOfKey(em, key);
    this.#cache.set(hash, principal);
    return principal;
  }

  async #principalOfKey(em: EntityManager, key: ApiKey): Promise<Principal> {
    switch (key.kind) {
      case 'operator':
        return { kind: 'operator', keyId: key.id };
      case 'merchant':
        return { kind: 'merchant', keyId: key.id, merchantId: key.merchant!.id };
      case 'partner': {
        const grants = await em.find(PartnerGrant, { partner: key.partner! });
        return {
          kind: 'partner',
          keyId: key.id,
          partnerId: key.partner!.id,
          merchantIds: grants.map((g) => g.merchant.id),
        };
      }
    }
  }

  async createMerchant(ctx: RequestContext, name: string, country: string | null = null): Promise<Merchant> {
    if (country !== null && countryOf(country) === null) {
      throw new ValidationError(
        'country',
        'country must be an ISO 3166-1 alpha-2 or ISO 3166-2 code (DE, KR)',
      );
    }
    const merchant = ctx.em.create(Merchant, { name: requireName('name', name), country });
    await ctx.em.flush();
    return merchant;
  }

  async createPartner(ctx: RequestContext, name: string): Promise<Partner> {
    const partner = ctx.em.create(Partner, { name: requireName('name', name) });
    await ctx.em.flush();
    return partner;
  }

  async getMerchant(ctx: RequestContext, id: string): Promise<Merchant> {
    const merchant = await ctx.em.findOne(Merchant, { id });
    if (!merchant) throw new NotFoundError('Merchant', id);
    return merchant;
  }

  /**
   * Operators may mint any key; a merchant only further keys of its own. The secret is in the
   * result once and is never retrievable again.
   */
  async createApiKey(
    ctx: RequestContext,
    input: CreateApiKeyInput,
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const label = requireName('label', input.label);
    const { principal } = ctx;
    const merchantId = principal.kind === 'merchant' ? principal.merchantId : input.merchantId;
    if (
      principal.kind === 'merchant' &&
      (input.kind !== 'merchant' || (input.merchantId ?? merchantId) !== merchantId)
    ) {
      throw new ValidationError('kind', 'a merchant key can only create keys for its own merchant');
    }
    if (input.kind === 'merchant' && !merchantId)
      throw new ValidationError('merchantId', 'a merchant key needs merchantId');
    if (input.kind === 'partner' && !input.partnerId)
      throw new ValidationError('partnerId', 'a partner key needs partnerId');
    if (input.kind !== 'merchant' && input.merchantId) {
      throw new ValidationError('merchantId', `a ${input.kind} key belongs to no merchant`);
    }
    if (input.kind !== 'partner' && input.partnerId) {
      throw new ValidationError('partnerId', `a ${input.kind} key belongs to no partner`);
    }
    const merchant = input.kind === 'merchant' ? await this.getMerchant(ctx, merchantId!) : null;
    const partner = input.kind === 'partner' ? await ctx.em.findOne(Partner, { id: input.partnerId! }) : null;
    if (input.kind === 'partner' && !partner) throw new NotFoundError('Partner', input.partnerId!);
    return this.issueKey(ctx.em, { kind: input.kind, label, merchant, partner });
  }

  /** The CLI's way in on a fresh install, where no operator exists yet to ask. */
  issueOperatorKey(em: EntityManager, label: string): Promise<{ apiKey: ApiKey; secret: string }> {
    return this.issueKey(em, {
      kind: 'operator',
      label: requireName('label', label),
      merchant: null,
      partner: null,
    });
  }

  private async issueKey(
    em: EntityManager,
    fields: { kind: ApiKeyKind; label: string; merchant: Merchant | null; partner: Partner | null },
  ): Promise<{ apiKey: ApiKey; secret: string }> {
    const secret = mintToken(fields.kind);
    const apiKey = em.create(ApiKey, {
      ...fields,
      prefix: secret.slice(0, 12),
      secretHash: hashToken(secret),
      revokedAt: null,
    });
    await em.flush();
    return { apiKey, secret };
  }

  /**
   * Revokes a key in the transaction that announces it: every process forgets it and closes
   * what is open on it when the transaction commits; this process does so at once.
   */
  async revokeApiKey(ctx: OperatorContext | MerchantContext, id: string): Promise<ApiKey> {
    const { principal } = ctx;
    const key = await ctx.em.transactional(async (tx) => {
      const found = await tx.findOne(ApiKey, { id });
      const visible = found && (principal.kind === 'operator' || found.merchant?.id === principal.merchantId);
      if (!found || !visible) throw new NotFoundError('ApiKey', id);
      found.revokedAt ??= new Date();
      await tx.flush();
      await announceRevocation(tx, { kind: 'key', id });
      return found;
    });
    this.end({ kind: 'key', id }, 'revoked');
    return key;
  }

  /** Ends one of the merchant's customer sessions, announced like revokeApiKey. */
  async revokeCustomerSession(ctx: MerchantContext, id: string): Promise<CustomerSession> {
    const session = await ctx.em.transactional(async (tx) => {
      const found = isUuid(id) ? await tx.findOne(CustomerSession, { id }) : null;
      if (!found || found.merchant.id !== ctx.principal.merchantId)
        throw new NotFoundError('CustomerSession', id);
      found.revokedAt ??= new Date();
      await tx.flush();
      await announceRevocation(tx, { kind: 'session', id });
      return found;
    });
    this.end({ kind: 'session', id }, 'revoked');
    return session;
  }

  /**
   * Ends every session of a shredded subject: revoked in the database, forgotten here at once
   * and, through the revocation notice, in every other process (their caches would otherwise
   * keep the principal alive until it expires).
   */
  async endSessionsOf(em: EntityManager, subjectId: string): Promise<void> {
    const ended = await query<{ id: string }>(
      em,
      `update "customer_session" set "revoked_at" = now() where "subject_id" = ? and "revoked_at" is null returning "id"`,
      [subjectId],
    );
    for (const { id } of ended) {
      await announceRevocation(em, { kind: 'session', id });
      this.end({ kind: 'session', id }, 'revoked');
    }
  }

  async grantPartnerAccess(
    ctx: RequestContext,
    partnerId: string,
    merchantId: string,
  ): Promise<PartnerGrant> {
    const partner = await ctx.em.findOne(Partner, { id: partnerId });
    if (!partner) throw new NotFoundError('Partner', partnerId);
    const merchant = await this.getMerchant(ctx, merchantId);
    const existing = await ctx.em.findOne(PartnerGrant, { partner, merchant });
    if (existing) return existing;
    const grant = ctx.em.create(PartnerGrant, { partner, merchant });
    await ctx.em.flush();
    this.#cache.forget((cached) => cached.kind === 'partner' && cached.partnerId === partnerId);
    return grant;
  }

  /** A session for one of the calling merchant's end users. */
  async createCustomerSession(
    ctx: MerchantContext,
    customerRef: string,
    ttlSeconds: number,
  ): Promise<{ session: CustomerSession; token: string }> {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < 60 || ttlSeconds > MAX_SESSION_TTL_SECONDS) {
      throw new ValidationError(
        'ttlSeconds',
        `ttlSeconds must be a whole number from 60 to ${MAX_SESSION_TTL_SECONDS}`,
      );
    }
    const merchant = await this.getMerchant(ctx, ctx.principal.merchantId);
    const ref = requireName('customerRef', customerRef);
    const subjectId = await this.#keys().subjectId(ctx.em, { merchantId: merchant.id, customerRef: ref });
    const token = mintToken('session');
    const session = ctx.em.create(CustomerSession, {
      tokenHash: hashToken(token),
      merchant,
      subject: subjectId,
      expiresAt: new Date(Date.now() + ttlSeconds * 1000),
      revokedAt: null,
    });
    await ctx.em.flush();
    return { session, token };
  }
}
