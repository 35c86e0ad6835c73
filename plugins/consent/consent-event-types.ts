import { z } from 'zod';
import type { EventTypeDeclaration } from '../../core/plugin-api.ts';
import { CONSENT_METHODS } from './consent-state.ts';

export const CONSENT_CHANGED = 'consent.changed';

/** Ids and decisions only: a partner finds the customer by `customerId`, nothing personal travels. */
export const consentChangedPayload = z.object({
  receiptId: z.uuid(),
  subjectId: z.uuid(),
  customerId: z.uuid().nullable(),
  method: z.enum(CONSENT_METHODS),
  purposes: z.array(z.object({ purpose: z.string(), granted: z.boolean() })),
});

export const CONSENT_EVENT_TYPES: readonly EventTypeDeclaration[] = [
  {
    type: CONSENT_CHANGED,
    description:
      'A subject granted, refused or withdrew consent to purposes (one receipt). A partner that uses the data for a purpose now refused must stop.',
    payload: consentChangedPayload,
  },
];
