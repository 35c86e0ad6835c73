import type { RequestKind } from '../../core/plugin-api.ts';

/** What a subject may ask (GDPR Art. 15 to 18, 20, 21; CPRA s.1798.100 to .121; PIPA Art. 35 to 37). */
export const REQUEST_KINDS = [
  'access',
  'portability',
  'erasure',
  'correction',
  'restriction',
  'objection',
  'opt_out_of_sale',
] as const;
export type SubjectRequestKind = (typeof REQUEST_KINDS)[number];

/** How the request reached the controller: recorded, as the CPRA asks a business to offer several. */
export const REQUEST_CHANNELS = ['web', 'app', 'email', 'phone', 'mail', 'in_person', 'api'] as const;
export type RequestChannel = (typeof REQUEST_CHANNELS)[number];

/** The packs' name for each kind (regulation-pack.ts `RequestKind`). */
export const PACK_KIND: Record<SubjectRequestKind, RequestKind> = {
  access: 'access',
  portability: 'portability',
  erasure: 'erasure',
  correction: 'correction',
  restriction: 'restriction',
  objection: 'objection',
  opt_out_of_sale: 'opt-out',
};
