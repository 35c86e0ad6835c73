import { graphql } from '../gql/index.ts';
import { execute, type GatewayClientOptions } from './gateway-client.ts';

// An end user's app: the session token comes from the merchant's backend (createCustomerSession).

export const MyWallets = graphql(`
  query MyWallets {
    viewer {
      kind
      customerRef
    }
    wallets(first: 10) {
      edges {
        node {
          id
          currency
          balance {
            amount
            decimal
          }
        }
      }
    }
  }
`);

export const PayFromWallet = graphql(`
  mutation PayFromWallet($input: CreatePaymentInput!) {
    createPayment(input: $input) {
      __typename
      ... on Payment {
        id
        status
        capturedAmount {
          amount
          currency
        }
      }
      ... on InsufficientFundsError {
        available {
          amount
        }
      }
      ... on Error {
        code
        message
      }
    }
  }
`);

/** "KRW 9975" for each wallet of the signed-in customer. */
export async function balances(options: GatewayClientOptions): Promise<string[]> {
  const { wallets } = await execute(options, MyWallets);
  return wallets.edges.flatMap((edge) =>
    edge?.node ? [`${edge.node.currency} ${edge.node.balance.decimal}`] : [],
  );
}

/** A merchant's backend pays from a wallet; the result is a union the compiler makes you handle. */
export async function pay(
  options: GatewayClientOptions,
  customerId: string,
  walletId: string,
  amount: string,
): Promise<string> {
  const { createPayment } = await execute(options, PayFromWallet, {
    input: { customerId, method: 'wallet', sourceId: walletId, amount: { amount, currency: 'KRW' } },
  });
  switch (createPayment.__typename) {
    case 'Payment':
      return `${createPayment.status} ${createPayment.capturedAmount.amount}`;
    case 'InsufficientFundsError':
      return `only ${createPayment.available?.amount ?? '?'} available`;
    default:
      return `${createPayment.code}: ${createPayment.message}`;
  }
}
