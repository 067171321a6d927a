// The dashboard: the files `npm run build` puts in dist/web, served under <prefix>/ui/ from memory (read once at
// startup; a handful of files), with a strict Content-Security-Policy (same-origin scripts, styles and requests
// only; no framing). Paths that name no file get index.html, so /ui/tasks/12 loads the app, which routes itself.
// `GET /` and `GET <prefix>/ui` redirect to it. The files need no token (they hold no data; the app's API calls
// carry the bearer token). Hashed assets are cached for good, index.html is revalidated every time.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ApiError } from '../errors.js';

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The base the build writes into index.html (src/web/vite.config.ts); rewritten for another API prefix. */
const BUILT_BASE = '/tasker/ui/';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

interface UiFile {
  body: Buffer;
  type: string;
  immutable: boolean;
}

/** dist/web of this package (found from src/ or dist/), or null when the dashboard has not been built. */
export function builtUiDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(dir, 'package.json')) && existsSync(join(candidate, 'index.html'))) return candidate;
    if (basename(dir) === 'dist' && existsSync(join(dir, 'web', 'index.html'))) {
      return join(dir, 'web');
    }
    dir = dirname(dir);
  }
  return null;
}

function readTree(root: string, prefix: string): Map<string, UiFile> {
  const files = new Map<string, UiFile>();
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      const path = rel ? `${rel}/${name}` : name;
      if (statSync(full).isDirectory()) walk(full, path);
      else {
        let body = readFileSync(full);
        if (path === 'index.html' && prefix !== '/tasker') {
          body = Buffer.from(
            body
              .toString('utf8')
              .replaceAll(BUILT_BASE, `${prefix}/ui/`)
              .replace('name="tasker-prefix" content="/tasker"', `name="tasker-prefix" content="${prefix}"`),
          );
        }
        const type = TYPES[extname(name)] ?? 'application/octet-stream';
        files.set(path, { body, type, immutable: path.startsWith('assets/') });
      }
    }
  };
  walk(root, '');
  return files;
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', UI_CONTENT_SECURITY_POLICY)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

/**
 * Serve the dashboard from `dir` (default: the built files of this package) under `<prefix>/ui/`. When there is
 * nothing to serve, its routes answer 404 saying how to build it.
 */
export function installUi(app: FastifyInstance, prefix: string, dir: string | null = builtUiDir()): void {
  const files = dir && existsSync(join(dir, 'index.html')) ? readTree(dir, prefix) : null;
  const base = `${prefix}/ui`;
  const config = { publicAsset: true };
  const toUi = async (_request: unknown, reply: FastifyReply) => securityHeaders(reply).redirect(`${base}/`, 302);
  app.get('/', { config }, toUi);
  app.get(base, { config }, toUi);
  app.get(`${base}/*`, { config }, async (request, reply) => {
    if (!files) {
      throw new ApiError(
        404,
        'not_found',
        'the dashboard is not built into this package: run `npm run build` (it builds src/web into dist/web)',
      );
    }
    const path = (request.params as { '*': string })['*'];
    let file = files.get(path);
    // An app route (no file extension, or no file) gets the app; a missing asset is a plain 404.
    if (!file && !path.startsWith('assets/') && (extname(path) === '' || path === '')) file = files.get('index.html');
    if (!file) throw new ApiError(404, 'not_found', `no dashboard file ${base}/${path}`);
    return securityHeaders(reply)
      .type(file.type)
      .header('cache-control', file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(file.body);
  });
}
