/**
 * End-to-end harness: the real browser-mode server (built by the test
 * command beforehand) on a temporary data folder, driven by Debian's
 * Chromium through playwright-core. Builds nothing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { Method, RequestOf, ResponseOf } from '../../src/shared/api';
import { fromWireJson, toWireJson } from '../../src/shared/wire';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CHROMIUM = '/usr/bin/chromium';
const URL_PATTERN = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/;

export interface Studio {
  /** The launch URL with its token, as the server printed it. */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly dataDir: string;
  readonly browser: Browser;
  output(): string;
  /** A page in a fresh browser context (1400×900 CSS pixels); `deviceScaleFactor` 2 stands in for a HiDPI screen. */
  newPage(options?: PageOptions): Promise<Page>;
  /** Calls the API from Node with the launch token (for checks independent of the UI). */
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  close(): Promise<void>;
}

function waitForUrl(server: ChildProcess, log: () => string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`the server printed no URL within ${timeoutMs} ms:\n${log()}`)), timeoutMs);
    const onData = (): void => {
      const m = URL_PATTERN.exec(log());
      if (m) finish(null, m[0]);
    };
    const onExit = (code: number | null, signal: string | null): void =>
      finish(new Error(`the server exited (code ${code}, signal ${signal}) before printing its URL:\n${log()}`));
    function finish(err: Error | null, url?: string): void {
      clearTimeout(timer);
      server.stdout?.off('data', onData);
      server.off('exit', onExit);
      if (err) reject(err);
      else resolve(url!);
    }
    server.stdout?.on('data', onData);
    server.on('exit', onExit);
    onData();
  });
}

async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGTERM');
  const timer = setTimeout(() => server.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export interface PageOptions { readonly deviceScaleFactor?: number }

export async function startStudio(options: { readonly serverArgs?: readonly string[] } = {}): Promise<Studio> {
  const serverBundle = path.join(REPO_ROOT, 'dist', 'main', 'server.cjs');
  if (!existsSync(serverBundle)) throw new Error(`${serverBundle} is missing: run the build first (npm test builds before testing)`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install chromium`);
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'inpaint-e2e-'));
  let log = '';
  const server = spawn(process.execPath, [serverBundle, '--data-dir', dataDir, '--port', '0', ...(options.serverArgs ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.setEncoding('utf8').on('data', (s: string) => { log += s; });
  server.stderr.setEncoding('utf8').on('data', (s: string) => { log += s; });
  let browser: Browser | null = null;
  const contexts: BrowserContext[] = [];
  try {
    const url = await waitForUrl(server, () => log, 30_000);
    const parsed = new URL(url);
    const token = parsed.searchParams.get('token')!;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const b = browser;
    return {
      url,
      origin: parsed.origin,
      token,
      dataDir,
      browser: b,
      output: () => log,
      async newPage(pageOptions = {}) {
        const context = await b.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true, ...pageOptions });
        contexts.push(context);
        return context.newPage();
      },
      async call(method, request) {
        const res = await fetch(`${parsed.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-studio-token': token },
          body: toWireJson(request),
        });
        const body = fromWireJson(await res.text()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
        if (!body.ok) throw new Error(`${method} failed with HTTP ${res.status}: ${body.error?.code} ${body.error?.message}`);
        return body.result as ResponseOf<typeof method>;
      },
      async close() {
        for (const c of contexts) await c.close().catch((e: unknown) => console.warn('closing a browser context failed:', e));
        await b.close();
        await stopServer(server);
        await rm(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (browser) await browser.close();
    await stopServer(server);
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}
