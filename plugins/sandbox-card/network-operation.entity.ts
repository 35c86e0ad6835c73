import { defineEntity, p } from '@mikro-orm/core';
import { NETWORK_DECLINES, SandboxCardAuthorization } from './network-authorization.entity.ts';

export const OPERATION_KINDS = ['confirm', 'capture', 'void', 'refund'] as const;
export type OperationKind = (typeof OPERATION_KINDS)[number];

const SandboxCardOperationSchema = defineEntity({
  name: 'SandboxCardOperation',
  properties: {
    operationKey: p.string().length(255).primary(),
    authorization: () => p.manyToOne(SandboxCardAuthorization),
    kind: p.enum(OPERATION_KINDS),
    amount: p.bigint(),
    approved: p.boolean(),
    declineReason: p.enum(NETWORK_DECLINES).nullable(),
    message: p.string().length(200).nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

/** One follow-up request on an authorization, kept so that a repeated request gets the same answer. */
export class SandboxCardOperation extends SandboxCardOperationSchema.class {}
SandboxCardOperationSchema.setClass(SandboxCardOperation);

export { SandboxCardOperationSchema };
