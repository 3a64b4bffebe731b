/**
 * `node dist/main/server.cjs`: browser mode. Prints the URL (with this
 * launch's token) and serves until interrupted.
 */
import { Command } from 'commander';
import path from 'node:path';
import { StudioService } from '../../service';
import { defaultDataDir } from '../../data-dir';
import { packageRoot } from '../../workers/paths';
import { startBrowserServer } from './server';
import { APP_VERSION } from '../../version';

const program = new Command()
  .name('inpaint-studio-server')
  .description('Serve Inpaint Studio to a local browser on 127.0.0.1 (browser mode)')
  .option('--data-dir <dir>', 'where the history database and pixel store live', defaultDataDir())
  .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
  .option('--allow-dir <dir...>', 'folders batch jobs started from the browser may read and write (with their subfolders)', [])
  .parse();

const opts = program.opts<{ dataDir: string; port: string; allowDir: string[] }>();
const port = Number(opts.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`inpaint-studio: --port must be 0..65535, got ${opts.port}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const service = new StudioService({ dataDir: path.resolve(opts.dataDir), mode: 'browser', version: APP_VERSION, batchRoots: opts.allowDir });
  const server = await startBrowserServer(service, { port, rendererDir: path.join(packageRoot(), 'dist', 'renderer') });
  console.log(`Inpaint Studio is running in browser mode at ${server.url}`);
  console.log(`Data folder: ${path.resolve(opts.dataDir)}. Press Ctrl+C to stop.`);

  let stopping = false;
  const stop = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await server.close();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => {
  console.error(`inpaint-studio: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
