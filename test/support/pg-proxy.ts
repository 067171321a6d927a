// Test support: a real TCP proxy in front of the test PostgreSQL that can make the database look unavailable
// without touching the server other tests share. It forwards connections; `reject(n)` answers the next n new
// connections the way a starting-up PostgreSQL does (an ErrorResponse with SQLSTATE 57P03, then close), and
// `dropAll()` cuts every forwarded connection (what a client sees when the server goes away).
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { PG_URL } from './stores.js';

/** A PostgreSQL ErrorResponse message: 'E', length, then code/value fields, each NUL-terminated, and a final NUL. */
function errorResponse(code: string, message: string): Buffer {
  const fields = Buffer.from(`SFATAL\0VFATAL\0C${code}\0M${message}\0\0`, 'utf8');
  const head = Buffer.alloc(5);
  head.write('E', 0, 'latin1');
  head.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([head, fields]);
}

export class PgProxy {
  private readonly server: net.Server;
  private readonly open = new Set<net.Socket>();
  private rejecting = 0;
  /** New connections answered with 57P03 so far. */
  rejected = 0;
  /** New connections forwarded so far. */
  forwarded = 0;

  private constructor(private readonly target: URL) {
    this.server = net.createServer((client) => this.accept(client));
  }

  static async start(): Promise<PgProxy> {
    const proxy = new PgProxy(new URL(PG_URL));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  /** `url` with its host and port replaced by the proxy's. */
  via(url: string): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String((this.server.address() as AddressInfo).port);
    return u.toString();
  }

  /** Answer the next `n` new connections with "the database system is starting up" (Infinity: until `forward()`). */
  reject(n = Infinity): void {
    this.rejecting = n;
  }

  forward(): void {
    this.rejecting = 0;
  }

  /** Cut every forwarded connection now. */
  dropAll(): void {
    for (const s of this.open) s.destroy();
    this.open.clear();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    client.on('error', () => undefined);
    if (this.rejecting > 0) {
      this.rejecting -= 1;
      this.rejected += 1;
      client.once('data', () => client.end(errorResponse('57P03', 'the database system is starting up')));
      return;
    }
    this.forwarded += 1;
    const upstream = net.connect(Number(this.target.port || 5432), this.target.hostname);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    client.pipe(upstream).pipe(client);
    this.open.add(client).add(upstream);
    client.on('close', () => this.open.delete(client));
    upstream.on('close', () => this.open.delete(upstream));
  }
}
