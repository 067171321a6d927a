// The server's live event streams: every open connection (sse-client.ts) fed by the engine's one history feed, the
// stream tickets, and the shutdown that ends every stream when the server closes (so close never waits on them).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Tasker } from '../../engine/tasker.js';
import { ApiError } from '../errors.js';
import { SseClient, type StreamFilter } from './sse-client.js';
import { StreamTickets } from './tickets.js';

const DECIMAL_ID = /^[0-9]{1,16}$/;

/** The Last-Event-ID header as a history id, null when absent; 400 when it is no id this server sent. */
export function lastEventId(request: FastifyRequest): number | null {
  const header = request.headers['last-event-id'];
  if (header === undefined || header === '') return null;
  const text = Array.isArray(header) ? header[0]! : header;
  if (!DECIMAL_ID.test(text) || !Number.isSafeInteger(Number(text))) {
    const message = `must be the id of an event this stream sent (a whole number), got '${text.slice(0, 40)}'`;
    throw new ApiError(400, 'invalid_request', `invalid header: Last-Event-ID ${message}`, [
      { field: 'headers.last-event-id', message },
    ]);
  }
  return Number(text);
}

export class EventStreams {
  readonly tickets: StreamTickets;
  private readonly clients = new Set<SseClient>();
  private closing = false;

  constructor(
    private readonly tasker: Tasker,
    authOn: boolean,
  ) {
    this.tickets = new StreamTickets(authOn);
  }

  /** Answer the request with a stream; errors before the stream starts are thrown (normal error answers). */
  async open(request: FastifyRequest, reply: FastifyReply, filter: StreamFilter): Promise<FastifyReply> {
    const resumeFrom = lastEventId(request);
    if (this.closing) throw new ApiError(503, 'unavailable', 'the server is shutting down', null);
    let subscription: { position: number; unsubscribe(): void } | null = null;
    const client = new SseClient(reply.raw, filter, () => {
      this.clients.delete(client);
      subscription?.unsubscribe();
    });
    subscription = await this.tasker.reads.historyFeed.subscribe((rows) => client.push(rows));
    reply.hijack();
    if (client.isClosed) {
      subscription.unsubscribe(); // the client left while the feed started
      return reply;
    }
    this.clients.add(client);
    client.open();
    if (resumeFrom !== null && resumeFrom < subscription.position) {
      const read = (after: number, limit: number) => this.tasker.reads.historySince(after, limit);
      try {
        await client.catchUp(read, resumeFrom, subscription.position);
      } catch (err) {
        request.log.warn({ err }, 'event stream: catching up from Last-Event-ID failed; closing the stream');
        client.close();
      }
    } else {
      client.live();
    }
    if (this.closing) client.close();
    return reply;
  }

  /** End every stream (the server is closing). */
  closeAll(): void {
    this.closing = true;
    for (const client of [...this.clients]) client.close();
  }
}
