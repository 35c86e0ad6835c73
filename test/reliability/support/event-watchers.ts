import { createServer, type Server } from 'node:http';
import { type Client, createClient } from 'graphql-ws';
import WebSocket from 'ws';

const EVENTS = `subscription($after: String) {
  paymentEvents(after: $after) { id cursor type payload }
}`;

interface SeenEvent {
  cursor: string;
  type: string;
  paymentId?: string;
  status?: string;
}

/**
 * A partner-style consumer of `paymentEvents` over graphql-ws: keeps the cursor of the last
 * event, and after the socket ends resubscribes from it, as docs/partner-guide.md says.
 */
export class EventSubscriber {
  readonly events = new Map<string, SeenEvent>();
  duplicates = 0;
  /** Every time the subscription ended without being asked to. */
  readonly ends: { at: number; reason: string }[] = [];
  lastCursor = '0';
  #running = true;
  #client: Client | undefined;
  #loop: Promise<void> | undefined;

  readonly url: string;
  readonly token: string;

  constructor(url: string, token: string) {
    this.url = url;
    this.token = token;
  }

  start(): void {
    this.#loop = this.#run();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#client?.dispose();
    await this.#loop;
  }

  async #run(): Promise<void> {
    while (this.#running) {
      const reason = await this.#once();
      if (!this.#running) return;
      this.ends.push({ at: Date.now(), reason });
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  #once(): Promise<string> {
    const client = createClient({
      url: this.url.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${this.token}` },
      retryAttempts: 0,
      lazy: true,
    });
    this.#client = client;
    return new Promise<string>((resolve) => {
      client.subscribe<{
        paymentEvents: { id: string; cursor: string; type: string; payload: Record<string, string> };
      }>(
        { query: EVENTS, variables: { after: this.lastCursor } },
        {
          next: ({ data, errors }) => {
            if (errors?.length) return;
            const event = data?.paymentEvents;
            if (!event) return;
            if (this.events.has(event.id)) this.duplicates++;
            this.events.set(event.id, {
              cursor: event.cursor,
              type: event.type,
              paymentId: event.payload?.paymentId,
              status: event.payload?.status,
            });
            this.lastCursor = event.cursor;
          },
          error: (error) => resolve(describe(error)),
          complete: () => resolve('completed'),
        },
      );
    }).finally(() => client.dispose());
  }
}

function describe(error: unknown): string {
  if (error && typeof error === 'object' && 'code' in error) {
    const close = error as { code: number; reason?: string };
    return `closed ${close.code} ${close.reason ?? ''}`.trim();
  }
  if (Array.isArray(error)) return JSON.stringify(error).slice(0, 200);
  return String((error as Error)?.message ?? error).slice(0, 200);
}

/** Receives the gateway's webhooks and counts each event id it got. */
export class WebhookReceiver {
  readonly received = new Map<string, number>();
  #server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const id = req.headers['gateway-event-id'];
      req.resume();
      req.on('end', () => {
        if (typeof id === 'string') this.received.set(id, (this.received.get(id) ?? 0) + 1);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => this.#server!.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as { port: number };
    this.url = `http://127.0.0.1:${port}/webhooks`;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((resolve) => this.#server?.close(resolve));
  }
}
