/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type CaptureMethod =
  | 'automatic'
  | 'manual';

export type CreatePaymentInput = {
  amount: MoneyInput;
  captureMethod?: CaptureMethod | null | undefined;
  customerId: string | number;
  description?: string | null | undefined;
  metadata?: Array<MetadataInput> | null | undefined;
  /** A payment method id, e.g. `wallet`. */
  method: string;
  /** The method’s reference to what pays: a wallet id, a card token, a verified phone. */
  sourceId: string;
};

export type MetadataInput = {
  key: string;
  value: string;
};

/** An exact amount: integer minor units as a decimal string ("1050" is USD 10.50). */
export type MoneyInput = {
  amount: string;
  currency: string;
};

export type PaymentStatus =
  | 'authorized'
  | 'captured'
  | 'created'
  | 'declined'
  | 'expired'
  | 'failed'
  | 'partially_captured'
  | 'partially_refunded'
  | 'processing'
  | 'refunded'
  | 'requires_action'
  | 'unknown'
  | 'voided';

export type PrincipalKind =
  | 'anonymous'
  | 'customer'
  | 'merchant'
  | 'operator'
  | 'partner';

export type MyWalletsQueryVariables = Exact<{ [key: string]: never; }>;


export type MyWalletsQuery = { viewer: { kind: PrincipalKind, customerRef: string | null }, wallets: { edges: Array<{ node: { id: string, currency: string, balance: { amount: string, decimal: string } } }> } };

export type PayFromWalletMutationVariables = Exact<{
  input: CreatePaymentInput;
}>;


export type PayFromWalletMutation = { createPayment:
    | { __typename: 'IdempotencyConflictError', code: string, message: string }
    | { __typename: 'IdempotencyInFlightError', code: string, message: string }
    | { __typename: 'InsufficientFundsError', code: string, message: string, available: { amount: string } }
    | { __typename: 'InvalidTransitionError', code: string, message: string }
    | { __typename: 'LimitExceededError', code: string, message: string }
    | { __typename: 'NotFoundError', code: string, message: string }
    | { __typename: 'Payment', id: string, status: PaymentStatus, capturedAmount: { amount: string, currency: string } }
    | { __typename: 'PaymentBlockedError', code: string, message: string }
    | { __typename: 'ValidationError', code: string, message: string }
   };


export const MyWalletsDocument = {"__meta__":{"hash":"sha256:3e619615f901e5e62631fd7a9ecab5b032aed255ddfeaae7328f97b07f863864"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MyWallets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"viewer"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"customerRef"}}]}},{"kind":"Field","name":{"kind":"Name","value":"wallets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"10"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}},{"kind":"Field","name":{"kind":"Name","value":"balance"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"decimal"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<MyWalletsQuery, MyWalletsQueryVariables>;
export const PayFromWalletDocument = {"__meta__":{"hash":"sha256:0552744da88be62a481518d232d52730bbe85c41925573b615921d689cd91f22"},"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"PayFromWallet"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreatePaymentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createPayment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Payment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"capturedAmount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"InsufficientFundsError"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"available"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"amount"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Error"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}}]}}]} as unknown as DocumentNode<PayFromWalletMutation, PayFromWalletMutationVariables>;