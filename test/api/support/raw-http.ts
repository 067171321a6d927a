// Test support: an HTTP request with exactly the headers given (fetch cannot set Host), to a real server.
import { request } from 'node:http';

export interface RawAnswer {
  status: number;

  json: any;
}

/** `method` `/tasker<path>` on `address`:`port` with these headers (and a JSON body when given). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  address = '127.0.0.1',
  body?: string,
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const all = { ...(body ? { 'content-type': 'application/json' } : {}), ...headers };
    const req = request({ host: address, port, method, path: `/tasker${path}`, headers: all }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
