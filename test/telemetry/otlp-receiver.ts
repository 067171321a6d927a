// Test support: an OTLP/HTTP trace receiver on an ephemeral loopback port (plain node:http). It keeps every request
// (path, content type, body) and decodes the spans of `http/json` requests, so tests can assert on what a real
// exporter in a real process delivered.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  name: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  attributes: Record<string, unknown>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  status: { code: number; message?: string };
  events: Array<{ name: string; attributes: Record<string, unknown> }>;
  resource: Record<string, unknown>;
  scope: string;
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  body: Buffer;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpValue[] };
}

type OtlpAttributes = Array<{ key: string; value: OtlpValue }> | undefined;

function valueOf(v: OtlpValue): unknown {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(valueOf);
  return null;
}

function attributes(list: OtlpAttributes): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((a) => [a.key, valueOf(a.value)]));
}

function read(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class OtlpReceiver {
  readonly requests: ReceivedRequest[] = [];
  private readonly received: ReceivedSpan[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<OtlpReceiver> {
    const server = createServer();
    const receiver = new OtlpReceiver(server);
    server.on('request', (req, res) => {
      void read(req).then((body) => {
        const contentType = String(req.headers['content-type'] ?? '');
        receiver.requests.push({ path: req.url ?? '', contentType, body });
        if (contentType.startsWith('application/json')) receiver.decode(body);
        res.writeHead(200, {
          'content-type': contentType.startsWith('application/json') ? contentType : 'application/x-protobuf',
        });
        res.end(contentType.startsWith('application/json') ? '{}' : '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  /** Base URL, for OTEL_EXPORTER_OTLP_ENDPOINT (the exporter appends /v1/traces). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  spans(): ReceivedSpan[] {
    return [...this.received];
  }

  /** Resolves with the spans once `done(spans)` holds; rejects (naming what arrived) after `timeoutMs`. */
  async waitFor(done: (spans: ReceivedSpan[]) => boolean, timeoutMs = 30_000): Promise<ReceivedSpan[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.spans())) {
      if (Date.now() > deadline) {
        const names = this.spans().map((s) => `${s.name}:${String(s.attributes['tasker.step_name'] ?? '')}`);
        throw new Error(`the expected spans did not arrive; got ${names.length}: ${names.join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    return this.spans();
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private decode(body: Buffer): void {
    const doc = JSON.parse(body.toString('utf8')) as {
      resourceSpans?: Array<{
        resource?: { attributes?: OtlpAttributes };
        scopeSpans?: Array<{
          scope?: { name?: string };
          spans?: Array<{
            traceId: string;
            spanId: string;
            parentSpanId?: string;
            name: string;
            kind?: number;
            startTimeUnixNano: string | number;
            endTimeUnixNano: string | number;
            attributes?: OtlpAttributes;
            status?: { code?: number; message?: string };
            events?: Array<{ name: string; attributes?: OtlpAttributes }>;
          }>;
        }>;
      }>;
    };
    for (const rs of doc.resourceSpans ?? []) {
      const resource = attributes(rs.resource?.attributes);
      for (const ss of rs.scopeSpans ?? []) {
        for (const s of ss.spans ?? []) {
          this.received.push({
            traceId: s.traceId,
            spanId: s.spanId,
            parentSpanId: s.parentSpanId ? s.parentSpanId : null,
            name: s.name,
            kind: s.kind ?? 0,
            startNs: BigInt(s.startTimeUnixNano),
            endNs: BigInt(s.endTimeUnixNano),
            attributes: attributes(s.attributes),
            status: { code: s.status?.code ?? 0, ...(s.status?.message ? { message: s.status.message } : {}) },
            events: (s.events ?? []).map((e) => ({ name: e.name, attributes: attributes(e.attributes) })),
            resource,
            scope: ss.scope?.name ?? '',
          });
        }
      }
    }
  }
}
