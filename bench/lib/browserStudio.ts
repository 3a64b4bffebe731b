/**
 * The browser-mode server and Debian's Chromium for browser benchmarks. Like
 * tests/e2e/harness.ts, but loads playwright-core from node_modules at run
 * time: the bench bundles are built by esbuild, and playwright-core does not
 * survive bundling.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Method, RequestOf, ResponseOf } from '../../src/shared/api';
import { fromWireJson, toWireJson } from '../../src/shared/wire';
import { packageRoot } from '../../src/main/workers/paths';

export interface BenchStudio {
  readonly url: string;
  newPage(): Promise<Page>;
  call<M extends Method>(method: M, request: RequestOf<M>): Promise<ResponseOf<M>>;
  close(): Promise<void>;
}

export async function startBenchStudio(): Promise<BenchStudio> {
  const root = packageRoot();
  const { chromium } = createRequire(path.join(root, 'package.json'))('playwright-core') as typeof import('playwright-core');
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'inpaint-bench-'));
  const server = spawn(process.execPath, [path.join(root, 'dist', 'main', 'server.cjs'), '--data-dir', dataDir, '--port', '0'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  server.stdout.setEncoding('utf8').on('data', (s: string) => { log += s; });
  server.stderr.setEncoding('utf8').on('data', (s: string) => { log += s; });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]+/.exec(log);
      if (m) { clearInterval(timer); resolve(m[0]); }
    }, 50);
    server.once('exit', (code) => { clearInterval(timer); reject(new Error(`the server exited (${code}):\n${log}`)); });
  });
  const parsed = new URL(url);
  const token = parsed.searchParams.get('token')!;
  const browser: Browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  return {
    url,
    async newPage() {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      return context.newPage();
    },
    async call(method, request) {
      const res = await fetch(`${parsed.origin}/api/${method}`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-studio-token': token }, body: toWireJson(request),
      });
      const body = fromWireJson(await res.text()) as { ok: boolean; result?: unknown; error?: { code: string; message: string } };
      if (!body.ok) throw new Error(`${method}: ${body.error?.code} ${body.error?.message}`);
      return body.result as ResponseOf<typeof method>;
    },
    async close() {
      await browser.close();
      const exited = new Promise<void>((r) => server.once('exit', () => r()));
      server.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
