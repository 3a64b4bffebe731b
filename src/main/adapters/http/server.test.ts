import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { StudioService } from '../../service';
import { startBrowserServer, type BrowserServer } from './server';
import { toWireJson, fromWireJson } from '../../../shared/wire';

let dir: string;
let service: StudioService;
let server: BrowserServer;

function request(pathname: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: server.port, path: pathname, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (init.body) req.write(init.body);
    req.end();
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-http-'));
  const renderer = path.join(dir, 'renderer');
  mkdirSync(renderer);
  writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>t</title>');
  service = new StudioService({ dataDir: path.join(dir, 'data'), mode: 'browser', version: 'test' });
  server = await startBrowserServer(service, { rendererDir: renderer });
});
afterAll(async () => {
  await server.close();
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('browser-mode server', () => {
  it('listens on loopback only and prints a tokenised URL', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{20,}$/);
  });

  it('serves the page with the token, sets a strict cookie and a CSP', async () => {
    const r = await request(`/?token=${server.token}`);
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('refuses requests without the token or with a wrong one', async () => {
    expect((await request('/')).status).toBe(401);
    expect((await request('/?token=wrong')).status).toBe(401);
    const call = await request('/api/projects.list', { method: 'POST', headers: { 'x-studio-token': 'nope', 'content-type': 'application/json' }, body: '{}' });
    expect(call.status).toBe(401);
    expect(JSON.parse(call.body)).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await request('/api/events')).status).toBe(401);
    expect((await request('/files/version-full/1')).status).toBe(401);
  });

  it('refuses a cookie-only API call (cross-site pages cannot send the header)', async () => {
    const cookie = `studio_token_${server.port}=${server.token}`;
    const r = await request('/api/projects.list', { method: 'POST', headers: { cookie }, body: '{}' });
    expect(r.status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await request(`/?token=${server.token}`, { headers: { host: `evil.example:${server.port}` } });
    expect(r.status).toBe(401);
  });

  it('answers valid calls and validates bodies', async () => {
    const headers = { 'x-studio-token': server.token, 'content-type': 'application/json' };
    const ok = await request('/api/projects.list', { method: 'POST', headers, body: toWireJson({}) });
    expect(ok.status).toBe(200);
    expect(fromWireJson(ok.body)).toEqual({ ok: true, result: [] });
    const bad = await request('/api/projects.get', { method: 'POST', headers, body: toWireJson({ projectId: -3 }) });
    expect(bad.status).toBe(400);
    const notJson = await request('/api/projects.list', { method: 'POST', headers, body: '{nope' });
    expect(notJson.status).toBe(400);
    const unknown = await request('/api/fs.readFile', { method: 'POST', headers, body: toWireJson({ path: '/etc/passwd' }) });
    expect(unknown.status).toBe(400);
  });

  it('never serves paths outside its own files', async () => {
    const q = `?token=${server.token}`;
    for (const p of ['/..%2f..%2fetc%2fpasswd', '/files/../../etc/passwd', '/%2e%2e/package.json', '/files/version-full/999', '/history.sqlite']) {
      const r = await request(p + q);
      expect([400, 404]).toContain(r.status);
      expect(r.body).not.toContain('root:');
    }
  });
});
