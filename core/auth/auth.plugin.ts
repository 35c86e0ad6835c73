import { z } from 'zod';
import { credential, technical } from '../db/data-map.ts';
import { definePlugin } from '../plugin.ts';
import { ApiKeySchema } from './api-key.entity.ts';
import { registerAuthSchema } from './auth.schema.ts';
import { AuthService } from './auth.service.ts';
import { CredentialPropagation } from './credential-propagation.ts';
import { CustomerSessionSchema } from './customer-session.entity.ts';
import { MerchantSchema } from './merchant.entity.ts';
import { Migration0001AuthTables } from './migrations/0001-auth-tables.ts';
import { Migration0002StepUpGrants } from './migrations/0002-step-up-grants.ts';
import { Migration0003RateLimitCounters } from './migrations/0003-rate-limit-counters.ts';
import { Migration0004MerchantCountry } from './migrations/0004-merchant-country.ts';
import { PartnerSchema } from './partner.entity.ts';
import { PartnerGrantSchema } from './partner-grant.entity.ts';
import { RateLimitCounterSchema } from './rate-limit-counter.entity.ts';
import { registerStepUpSchema } from './step-up.schema.ts';
import { type StepUpService, stepUpScope } from './step-up.ts';
import { StepUpGrantSchema } from './step-up-grant.entity.ts';

declare module '../global-types.ts' {
  interface GatewayServices {
    auth: AuthService;
    /** The kernel's step-up service; factor plugins (totp) register with it. */
    stepUp: StepUpService;
  }
}

/** The kernel's own plugin: merchants, partners, API keys, customer sessions. Always installed first. */
export const authPlugin = definePlugin({
  name: 'auth',
  version: '1.0.0',
  description: 'Principals and credentials: merchants, partners, API keys and customer sessions',
  options: z.strictObject({
    /**
     * How long a resolved credential is trusted without asking the database again. Revocations
     * through this process apply at once; through another process within this many seconds.
     */
    principalCacheSeconds: z.number().min(0).max(60).default(5),
  }),
  entities: [
    MerchantSchema,
    PartnerSchema,
    PartnerGrantSchema,
    ApiKeySchema,
    CustomerSessionSchema,
    StepUpGrantSchema,
    RateLimitCounterSchema,
  ],
  migrations: [
    { name: '0001-auth-tables', class: Migration0001AuthTables },
    { name: '0002-step-up-grants', class: Migration0002StepUpGrants },
    { name: '0003-rate-limit-counters', class: Migration0003RateLimitCounters },
    { name: '0004-merchant-country', class: Migration0004MerchantCountry },
  ],
  dataMap: {
    Merchant: {
      id: technical('identify the tenant'),
      name: { category: 'technical', purpose: 'show the tenant to operators', retention: 'while-active' },
      country: technical('decide which laws follow the merchant’s establishment'),
      createdAt: technical('audit'),
    },
    Partner: {
      id: technical('identify the partner'),
      name: technical('show the partner to merchants'),
      createdAt: technical('audit'),
    },
    PartnerGrant: {
      id: technical('identify the grant'),
      partner: technical('who may read'),
      merchant: technical('whose data may be read'),
      createdAt: technical('audit'),
    },
    ApiKey: {
      id: technical('identify the key'),
      kind: technical('decide what the key may do'),
      label: technical('tell keys apart'),
      prefix: technical('tell keys apart'),
      secretHash: credential('authenticate the caller'),
      merchant: technical('scope the key to a tenant'),
      partner: technical('scope the key to a partner'),
      createdAt: technical('audit'),
      revokedAt: technical('refuse revoked keys'),
    },
    CustomerSession: {
      id: technical('identify the session'),
      tokenHash: credential('authenticate the caller'),
      merchant: technical('scope the session to a tenant'),
      subject: technical('act for the end user (a pseudonymous subject; its reference is sealed)'),
      createdAt: technical('audit'),
      expiresAt: technical('refuse expired sessions'),
      revokedAt: technical('refuse revoked sessions'),
    },
    RateLimitCounter: {
      key: technical('count requests per credential, or per hashed client address, for one window'),
      points: technical('count requests'),
      expire: technical('end the window'),
    },
    StepUpGrant: {
      id: technical('identify the grant'),
      credentialKind: technical('bind the grant to one credential'),
      credentialId: technical('bind the grant to one credential'),
      factor: technical('audit which factor was verified'),
      createdAt: technical('audit'),
      expiresAt: technical('refuse stale grants'),
    },
  },
  setup: (plugin) => {
    const services = plugin.services;
    const auth = new AuthService(plugin.options.principalCacheSeconds * 1000, () => services.privacy.keys);
    const { stepUp } = plugin.services;
    const propagation = new CredentialPropagation(
      { inUse: () => auth.live.inUse(), end: (ref, reason) => auth.end(ref, reason) },
      plugin.orm,
      plugin.log,
    );
    return {
      services: auth,
      onReady: () => propagation.start(),
      onClose: () => propagation.close(),
      authScopes: stepUpScope(stepUp),
      schema: (builder) => {
        registerAuthSchema(builder, auth);
        registerStepUpSchema(builder, stepUp);
      },
    };
  },
});
