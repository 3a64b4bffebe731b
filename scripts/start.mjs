// `npm start`: the desktop app when an Electron binary can be had; otherwise
// it says why and starts browser mode on 127.0.0.1, printing the URL.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const pathFile = path.join(path.dirname(require.resolve('electron/package.json')), 'path.txt');
    if (!existsSync(pathFile)) return null;
    const bin = require('electron');
    return typeof bin === 'string' && existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

function tryInstallElectron() {
  // npm ci does not run Electron's download (package.json allowScripts); try it once here.
  try {
    const script = path.join(path.dirname(require.resolve('electron/package.json')), 'install.js');
    const r = spawnSync(process.execPath, [script], { stdio: 'pipe', timeout: 120_000, encoding: 'utf8' });
    if (r.status === 0) return null;
    const text = `${r.stderr ?? ''}\n${r.stdout ?? ''}`;
    const line = text.split('\n').map((l) => l.trim()).find((l) => /error|ENOTFOUND|EAI_AGAIN|ECONN|timed out/i.test(l) && !l.startsWith('at '));
    return `the Electron download failed: ${line ?? 'no network access'}`;
  } catch (err) {
    return String(err);
  }
}

const forceBrowser = process.argv.includes('--browser') || process.env.INPAINT_STUDIO_BROWSER === '1';
let bin = forceBrowser ? null : electronBinary();
let reason = forceBrowser ? 'browser mode was requested' : null;
if (!bin && !forceBrowser) {
  const failure = tryInstallElectron();
  bin = electronBinary();
  if (!bin) reason = `no Electron binary is available (${failure ?? 'not installed'})`;
}

/**
 * better-sqlite3 is a V8-ABI addon: the copy in node_modules is built for
 * Node (tests, CLI, browser mode). For the desktop app in development we
 * build a second copy against Electron's headers into .electron-native/ and
 * point the app at it; packaged apps are rebuilt by electron-builder instead.
 */
function electronSqliteBinding(electronBin) {
  const version = spawnSync(electronBin, ['--version'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } }).stdout.trim().replace(/^v/, '');
  const target = path.join(root, '.electron-native', version, 'better_sqlite3.node');
  if (existsSync(target)) return target;
  const work = path.join(root, '.electron-native', version, 'build');
  cpSync(path.dirname(require.resolve('better-sqlite3/package.json')), work, { recursive: true });
  const gyp = require.resolve('node-gyp/bin/node-gyp.js');
  const r = spawnSync(process.execPath, [gyp, 'rebuild', '--release', `--target=${version}`, '--runtime=electron', '--dist-url=https://electronjs.org/headers'], { cwd: work, stdio: 'inherit' });
  if (r.status !== 0) return null;
  cpSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), target);
  return target;
}

const passThrough = process.argv.slice(2).filter((a) => a !== '--browser');
if (bin) {
  let binding = null;
  try {
    binding = electronSqliteBinding(bin);
  } catch (err) {
    console.log(`Inpaint Studio: building SQLite for Electron failed: ${err.message}`);
  }
  if (!binding) console.log('Inpaint Studio: could not build the SQLite module for Electron; the desktop app may fail to open its history.');
  const env = binding ? { ...process.env, INPAINT_STUDIO_SQLITE_BINDING: binding } : process.env;
  const child = spawn(bin, [root, ...passThrough], { stdio: 'inherit', env });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`Inpaint Studio: ${reason}; starting browser mode instead.`);
  const child = spawn(process.execPath, [path.join(root, 'dist', 'main', 'server.cjs'), ...passThrough], { stdio: 'inherit' });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}
