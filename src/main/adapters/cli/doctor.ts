/** `inpaint-studio doctor`: what this machine offers, and what to install for a GPU. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { APP_VERSION } from '../../version';

export async function runDoctor(dataDir: string): Promise<void> {
  const lines: string[] = [];
  lines.push(`Inpaint Studio ${APP_VERSION}`);
  lines.push(`Node ${process.versions.node} on ${process.platform}/${process.arch}; ${os.cpus().length} CPU threads (${os.cpus()[0]?.model ?? 'unknown CPU'}); ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`);
  lines.push(`sharp ${sharp.versions.sharp ?? '?'} (libvips ${sharp.versions.vips})`);
  try {
    await fs.mkdir(dataDir, { recursive: true });
    const probe = path.join(dataDir, `.doctor-${process.pid}`);
    await fs.writeFile(probe, 'ok');
    await fs.rm(probe);
    lines.push(`Data folder: ${dataDir} (writable)`);
  } catch (err) {
    lines.push(`Data folder: ${dataDir} is NOT writable: ${(err as Error).message}`);
  }
  lines.push('Fill methods: patchmatch (CPU, always available)');
  console.log(lines.join('\n'));
}
