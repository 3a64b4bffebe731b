/**
 * Electron main process: one window, sandboxed renderer, the studio service
 * behind one validated IPC channel, app files and pixels served over the
 * privileged `studio://app/` scheme. No remote content is ever loaded.
 */
import { app, BrowserWindow, dialog, ipcMain, protocol, session, type IpcMainInvokeEvent } from 'electron';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseFilePath } from '../../../shared/wire';
import { toWireError } from '../../../shared/errors';
import { StudioService } from '../../service';
import { packageRoot } from '../../workers/paths';
import { APP_VERSION } from '../../version';

const ORIGIN = 'studio://app';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data: studio:; connect-src 'self' studio:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";
const STATIC_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json', '.png': 'image/png',
};

protocol.registerSchemesAsPrivileged([{ scheme: 'studio', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let service: StudioService | null = null;
let mainWindow: BrowserWindow | null = null;

function isOurFrame(event: IpcMainInvokeEvent): boolean {
  const url = event.senderFrame?.url ?? '';
  return url.startsWith(`${ORIGIN}/`) && event.sender === mainWindow?.webContents;
}

async function serveStudio(request: Request): Promise<Response> {
  const url = new URL(request.url);
  if (url.host !== 'app') return new Response('not found', { status: 404 });
  const ref = parseFilePath(url.pathname);
  if (ref && service) {
    try {
      const file = await service.readFile(ref);
      return new Response(file.bytes, { headers: { 'content-type': file.mime } });
    } catch (err) {
      return new Response(toWireError(err).message, { status: 404 });
    }
  }
  const name = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
  if (!/^[\w.-]+$/.test(name) || !(path.extname(name) in STATIC_TYPES)) return new Response('not found', { status: 404 });
  try {
    const body = await fs.readFile(path.join(packageRoot(), 'dist', 'renderer', name));
    const headers: Record<string, string> = { 'content-type': STATIC_TYPES[path.extname(name)]! };
    if (name.endsWith('.html')) headers['content-security-policy'] = CSP;
    return new Response(body, { headers });
  } catch {
    return new Response('not found', { status: 404 });
  }
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Inpaint Studio',
    backgroundColor: '#1e1f22',
    webPreferences: {
      preload: path.join(packageRoot(), 'dist', 'main', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  mainWindow.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));
  mainWindow.webContents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${ORIGIN}/`)) event.preventDefault();
  });
  void mainWindow.loadURL(`${ORIGIN}/index.html`);
  mainWindow.on('closed', () => { mainWindow = null; });
}

async function main(): Promise<void> {
  await app.whenReady();
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  // Nothing but our own scheme (and devtools) may be requested: no remote content.
  ses.webRequest.onBeforeRequest((details, callback) => {
    const ok = details.url.startsWith(`${ORIGIN}/`) || details.url.startsWith('devtools:') || details.url.startsWith('data:') || details.url.startsWith('blob:');
    callback({ cancel: !ok });
  });
  protocol.handle('studio', serveStudio);

  service = new StudioService({
    dataDir: app.getPath('userData'),
    mode: 'electron',
    version: APP_VERSION,
    host: {
      pickImageFile: async () => {
        const r = await dialog.showOpenDialog(mainWindow!, {
          title: 'Open photo',
          properties: ['openFile'],
          filters: [{ name: 'Photos', extensions: ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff'] }],
        });
        return r.canceled ? null : r.filePaths[0] ?? null;
      },
      pickFolder: async () => {
        const r = await dialog.showOpenDialog(mainWindow!, { title: 'Choose a folder', properties: ['openDirectory', 'createDirectory'] });
        return r.canceled ? null : r.filePaths[0] ?? null;
      },
      pickSavePath: async (suggestedName) => {
        const r = await dialog.showSaveDialog(mainWindow!, { title: 'Export', defaultPath: suggestedName });
        return r.canceled ? null : r.filePath ?? null;
      },
    },
  });
  const svc = service;

  ipcMain.handle('studio:call', async (event, method: unknown, request: unknown) => {
    if (!isOurFrame(event)) return { ok: false, error: { code: 'UNAUTHORIZED', message: 'request from an unknown frame' } };
    if (typeof method !== 'string') return { ok: false, error: { code: 'BAD_REQUEST', message: 'method must be a string' } };
    try {
      return { ok: true, result: await svc.handle(method, request) };
    } catch (err) {
      if (!(err instanceof Error && 'code' in err)) console.error('Inpaint Studio: unexpected error in', method, err);
      return { ok: false, error: toWireError(err) };
    }
  });
  svc.subscribe((event) => mainWindow?.webContents.send('studio:event', event));

  createWindow();
  app.on('activate', () => { if (BrowserWindow.getAllWindows().length === 0) createWindow(); });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => { void svc.close(); });
}

main().catch((err: unknown) => {
  dialog.showErrorBox('Inpaint Studio could not start', err instanceof Error ? err.message : String(err));
  app.exit(1);
});
