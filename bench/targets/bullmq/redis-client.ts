// Loads the `ioredis` driver BullMQ 6 needs (an optional peer dependency of bullmq) and opens connections to the
// benchmark's dedicated Redis database.
import { createRequire } from 'node:module';

/** The part of an ioredis client the bench uses directly; BullMQ receives the instance itself. */
export interface RedisClient {
  flushdb(): Promise<unknown>;
  info(section: string): Promise<string>;
  quit(): Promise<unknown>;
  disconnect(): void;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface RedisEndpoint {
  host: string;
  port: number;
  db: number;
}

type IORedisCtor = new (options: Record<string, unknown>) => RedisClient;

let ctor: IORedisCtor | undefined;

function loadIORedis(): IORedisCtor {
  if (ctor) return ctor;
  try {
    const mod = createRequire(import.meta.url)('ioredis') as IORedisCtor & { default?: IORedisCtor };
    ctor = mod.default ?? mod;
    return ctor;
  } catch (err) {
    throw new Error(
      "BullMQ 6 needs its optional peer package 'ioredis', which cannot be loaded " +
        `(${err instanceof Error ? err.message.split('\n')[0] : String(err)}); add ioredis to devDependencies`,
      { cause: err },
    );
  }
}

/** A new ioredis connection suitable for BullMQ workers (`maxRetriesPerRequest: null`). */
export function connectRedis(endpoint: RedisEndpoint): RedisClient {
  const IORedis = loadIORedis();
  const client = new IORedis({ host: endpoint.host, port: endpoint.port, db: endpoint.db, maxRetriesPerRequest: null });
  client.on('error', (err) => process.stderr.write(`redis: ${err.message}\n`));
  return client;
}

/** `redis_version` from INFO server. */
export async function redisVersion(client: RedisClient): Promise<string> {
  const info = await client.info('server');
  return /redis_version:([^\r\n]+)/.exec(info)?.[1] ?? 'unknown';
}

/** Version of the ioredis package that was loaded, or `not installed`. */
export function ioredisVersion(): string {
  try {
    return (createRequire(import.meta.url)('ioredis/package.json') as { version: string }).version;
  } catch {
    return 'not installed';
  }
}
