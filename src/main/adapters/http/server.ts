/**
 * Browser mode: the same UI and the same service over loopback HTTP.
 * - binds 127.0.0.1 only, never another interface;
 * - a random per-launch token is required on every request: the first page
 *   load presents it in the URL and receives a SameSite=Strict HttpOnly
 *   cookie; API calls also send it in the x-studio-token header (which a
 *   cross-site page cannot set without a CORS preflight we never grant);
 * - the Host header must name this server (no DNS rebinding);
 * - request bodies are validated by the service's schemas.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { parseFilePath, fromWireJson, toWireJson } from '../../../shared/wire';
import { StudioError, toWireError, type ErrorCode } from '../../../shared/errors';
import type { StudioService } from '../../service';

export const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.map': 'application/json', '.png': 'image/png', '.svg': 'image/svg+xml', '.ico': 'image/x-icon',
};

const MAX_BODY_BYTES = 800 * 1024 * 1024; // base64 of the 512 MB import limit, plus JSON

const STATUS: Partial<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN_PATH: 403, NOT_FOUND: 404, INTERNAL: 500, NOT_AVAILABLE: 501,
};

export interface BrowserServer {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export interface BrowserServerOptions {
  readonly port?: number;
  readonly rendererDir: string;
  readonly token?: string;
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(req: http.IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

function send(res: http.ServerResponse, status: number, type: string, body: string | Uint8Array, extra: Record<string, string> = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    ...extra,
  });
  res.end(body);
}

function sendError(res: http.ServerResponse, err: unknown): void {
  const wire = toWireError(err);
  send(res, STATUS[wire.code] ?? 422, 'application/json', JSON.stringify({ ok: false, error: wire }));
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new StudioError('BAD_REQUEST', 'request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startBrowserServer(service: StudioService, options: BrowserServerOptions): Promise<BrowserServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  let port = 0;
  let cookieName = 'studio_token';
  const sseClients = new Set<http.ServerResponse>();

  const unsubscribe = service.subscribe((event) => {
    const line = `data: ${toWireJson(event)}\n\n`;
    for (const res of sseClients) res.write(line);
  });

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!(err instanceof StudioError)) console.error('Inpaint Studio: unexpected error serving', req.method, req.url, err);
      if (!res.headersSent) sendError(res, err);
      else res.end();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (host !== `127.0.0.1:${port}` && host !== `localhost:${port}`) {
      throw new StudioError('UNAUTHORIZED', 'wrong Host header');
    }
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    const queryToken = url.searchParams.get('token');
    const headerToken = req.headers['x-studio-token'];
    const presented = typeof headerToken === 'string' ? headerToken : queryToken ?? cookieToken(req, cookieName);
    if (!sameToken(presented, token)) {
      if (url.pathname === '/' && req.method === 'GET') {
        send(res, 401, 'text/plain; charset=utf-8', 'Inpaint Studio: open the address printed in the terminal (it carries this launch\'s access token).');
        return;
      }
      throw new StudioError('UNAUTHORIZED', 'missing or wrong access token');
    }
    const cookie = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;

    if (url.pathname.startsWith('/api/')) {
      const method = decodeURIComponent(url.pathname.slice('/api/'.length));
      if (method === 'events' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive', 'x-content-type-options': 'nosniff' });
        res.write(': connected\n\n');
        sseClients.add(res);
        req.on('close', () => sseClients.delete(res));
        return;
      }
      if (req.method !== 'POST') throw new StudioError('BAD_REQUEST', 'API calls are POST requests');
      if (typeof headerToken !== 'string') throw new StudioError('UNAUTHORIZED', 'API calls must send the x-studio-token header');
      let request: unknown;
      try {
        request = fromWireJson(await readBody(req));
      } catch (err) {
        if (err instanceof StudioError) throw err;
        throw new StudioError('BAD_REQUEST', `the request body is not valid JSON: ${(err as Error).message}`);
      }
      const result = await service.handle(method, request);
      send(res, 200, 'application/json', toWireJson({ ok: true, result }));
      return;
    }

    if (url.pathname.startsWith('/files/')) {
      const ref = parseFilePath(url.pathname);
      if (!ref || req.method !== 'GET') throw new StudioError('NOT_FOUND', 'no such file');
      const file = await service.readFile(ref);
      const extra: Record<string, string> = {};
      if (file.fileName) extra['content-disposition'] = `attachment; filename="${file.fileName.replace(/[^\w.-]/g, '_')}"`;
      send(res, 200, file.mime, file.bytes, extra);
      return;
    }

    // Static renderer files: a fixed set of names in one folder, nothing else.
    const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    if (!/^[\w.-]+$/.test(name) || !(path.extname(name) in STATIC_TYPES)) throw new StudioError('NOT_FOUND', 'not found');
    let body: Buffer;
    try {
      body = await fs.readFile(path.join(options.rendererDir, name));
    } catch {
      throw new StudioError('NOT_FOUND', `${name} not found (is the renderer built?)`);
    }
    const headers: Record<string, string> = { 'set-cookie': cookie };
    if (name.endsWith('.html')) headers['content-security-policy'] = CSP;
    send(res, 200, STATIC_TYPES[path.extname(name)]!, body, headers);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  cookieName = `studio_token_${port}`;
  const url = `http://127.0.0.1:${port}/?token=${token}`;
  return {
    url, port, token,
    close: async () => {
      unsubscribe();
      for (const res of sseClients) res.end();
      sseClients.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
