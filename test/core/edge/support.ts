import {
  createTestGateway,
  type TestGateway,
  type TestGatewayOptions,
} from '../../../core/testing/create-test-gateway.ts';
import { carrierBillingPlugin } from '../../../plugins/carrier-billing/index.ts';
import { eventsPlugin } from '../../../plugins/events/index.ts';
import { paymentsPlugin } from '../../../plugins/payments/index.ts';
import { sandboxCardPlugin } from '../../../plugins/sandbox-card/index.ts';
import { totpPlugin } from '../../../plugins/totp/index.ts';
import { walletPlugin } from '../../../plugins/wallet/index.ts';

/** The gateway as `yoga.config.ts` ships it: the edge must hold for every plugin's fields. */
export function bootFullGateway(config: TestGatewayOptions['config'] = {}): Promise<TestGateway> {
  return createTestGateway({
    config,
    plugins: [
      totpPlugin,
      eventsPlugin,
      paymentsPlugin.with({ janitor: { intervalSeconds: 0 } }),
      walletPlugin,
      sandboxCardPlugin,
      carrierBillingPlugin,
    ],
  });
}

export interface RawAnswer {
  status: number;
  text: string;
  body: {
    data?: unknown;
    errors?: { message: string; extensions?: { code?: string; field?: string } }[];
  };
}

/** POSTs without the test client's conveniences, so the status and body are exactly what came back. */
export async function postRaw(
  t: TestGateway,
  token: string | undefined,
  query: string,
  variables?: Record<string, unknown>,
): Promise<RawAnswer> {
  const response = await fetch(t.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, text, body: JSON.parse(text) };
}
