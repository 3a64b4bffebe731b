import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { sampleOutputPaths } from './program';

const bin = path.resolve('bin/inpaint-studio.cjs');
let dir: string;

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, ...args, '--data-dir', path.join(dir, 'data')], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-'));
  const w = 200, h = 150;
  const raw = Buffer.alloc(w * h * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + Math.floor(i / 600) * 13) % 256;
  await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(dir, 'photo.png'));
  const mask = Buffer.alloc(w * h);
  for (let y = 50; y < 80; y++) for (let x = 90; x < 120; x++) mask[y * w + x] = 255;
  await sharp(mask, { raw: { width: w, height: h, channels: 1 } }).png().toFile(path.join(dir, 'mask.png'));
  await sharp(Buffer.alloc(10 * 10), { raw: { width: 10, height: 10, channels: 1 } }).png().toFile(path.join(dir, 'small-mask.png'));
  writeFileSync(path.join(dir, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('inpaint-studio CLI', () => {
  it('names multi-sample outputs <stem>-1 … -N', () => {
    expect(sampleOutputPaths('/x/out.png', 1)).toEqual(['/x/out.png']);
    expect(sampleOutputPaths('/x/out.png', 3)).toEqual(['/x/out-1.png', '/x/out-2.png', '/x/out-3.png']);
  });

  it('prints help', () => {
    const r = cli('inpaint', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--mask <png>');
    expect(r.stdout).toContain('white = fill');
  });

  it('fills and writes N samples; the original is untouched', () => {
    const before = readFileSync(path.join(dir, 'photo.png'));
    const r = cli('inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'out.png'), '--samples', '2', '--seed', '3');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(path.join(dir, 'out-1.png'))).toBe(true);
    expect(existsSync(path.join(dir, 'out-2.png'))).toBe(true);
    expect(readFileSync(path.join(dir, 'photo.png')).equals(before)).toBe(true);
  });

  it('writes JPEG at the --quality asked for (95 by default) and says so; WebP says so when lossy', async () => {
    await sharp(path.join(dir, 'photo.png')).jpeg().toFile(path.join(dir, 'photo.jpg'));
    const out = (name: string, ...extra: string[]) => {
      const r = cli('inpaint', path.join(dir, name.startsWith('from-jpeg') ? 'photo.jpg' : 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, name), ...extra);
      expect(r.code).toBe(0);
      return { size: readFileSync(path.join(dir, name)).length, note: r.stderr };
    };
    const standard = out('q-default.jpg');
    const low = out('q-30.jpg', '--quality', '30');
    expect(standard.note).toMatch(/re-encoded at quality 95/);
    expect(low.note).toMatch(/re-encoded at quality 30/);
    expect(low.size).toBeLessThan(0.6 * standard.size);
    expect(out('lossless.webp').note).toBe(''); // a lossless source is written as lossless WebP
    expect(out('from-jpeg.webp').note).toMatch(/lossy WebP output is re-encoded/);
  });

  it('refuses to overwrite an existing output unless asked', () => {
    const args = ['inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'once.png')];
    expect(cli(...args).code).toBe(0);
    const again = cli(...args);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toMatch(/^inpaint-studio: .*already exists/);
    expect(cli(...args, '--overwrite').code).toBe(0);
  });

  it('fails with one line and a non-zero code on every error', () => {
    const cases: [string[], RegExp][] = [
      [['inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'small-mask.png'), '-o', path.join(dir, 'a.png')], /mask is 10×10 but the image is 200×150/],
      [['inpaint', path.join(dir, 'broken.jpg'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'b.png')], /could not be decoded|not a JPEG/],
      [['inpaint', path.join(dir, 'missing.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'c.png')], /does not exist/],
      [['inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'photo.png')], /never writes to originals/],
    ];
    for (const [args, reason] of cases) {
      const r = cli(...args);
      expect(r.code).not.toBe(0);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^inpaint-studio: /);
      expect(lines[0]).toMatch(reason);
    }
    const usage = cli('inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'd.png'), '--samples', '99');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--samples must be an integer from 1 to 16');
    // Numbers are plain decimals: Number() would have read '' as 0, '0x10' as 16 and '1e1' as 10.
    for (const [flag, value] of [['--grow', ''], ['--feather', '0x10'], ['--samples', '1e1'], ['--strength', '0x1']]) {
      const r = cli('inpaint', path.join(dir, 'photo.png'), '--mask', path.join(dir, 'mask.png'), '-o', path.join(dir, 'n.png'), flag!, value!);
      expect([flag, r.code]).toEqual([flag, 2]);
      expect(r.stderr).toContain(`${flag} must be`);
    }
  });

  it('checks the output before filling: a folder, a file in the way, the original through a link, a segment mask not named .png; a refused fill keeps no project', async () => {
    const photo = path.join(dir, 'photo.png');
    const mask = path.join(dir, 'mask.png');
    mkdirSync(path.join(dir, 'a-folder.png'));
    writeFileSync(path.join(dir, 'a-file'), 'x');
    symlinkSync(photo, path.join(dir, 'link-to-photo.png'));
    const projects = (): number => {
      const db = new Database(path.join(dir, 'data', 'history.sqlite'), { readonly: true });
      try { return (db.prepare('SELECT COUNT(*) AS n FROM projects WHERE deleted_at IS NULL').get() as { n: number }).n; } finally { db.close(); }
    };
    cli('inpaint', photo, '--mask', mask, '-o', path.join(dir, 'warm-up.png'));
    const before = projects();
    const cases: [string[], RegExp][] = [
      [['inpaint', photo, '--mask', mask, '-o', path.join(dir, 'a-folder.png')], /is a folder/],
      [['inpaint', photo, '--mask', mask, '-o', path.join(dir, 'a-file', 'x.png')], /a file is in the way/],
      [['inpaint', path.join(dir, 'link-to-photo.png'), '--mask', mask, '-o', photo, '--overwrite'], /never writes to originals/],
      [['inpaint', photo, '--mask', mask, '-o', path.join(dir, 'link-to-photo.png'), '--overwrite'], /never writes to originals/],
      [['inpaint', photo, '--mask', mask, '-o', mask, '--overwrite'], /never writes to originals/],
      [['inpaint', photo, '--mask', path.join(dir, 'small-mask.png'), '-o', path.join(dir, 'e.png')], /mask is 10×10/],
    ];
    const original = readFileSync(photo);
    for (const [args, reason] of cases) {
      const r = cli(...args);
      expect(r.code).not.toBe(0);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(reason);
    }
    const segment = spawnSync(process.execPath, [bin, 'segment', photo, '--point', '5,5', '-o', path.join(dir, 'sel.jpg')], { encoding: 'utf8', timeout: 60_000 });
    expect(segment.status).not.toBe(0);
    expect(segment.stderr.trim()).toMatch(/^inpaint-studio: masks are written as PNG/);
    expect(readFileSync(photo).equals(original)).toBe(true);
    expect(existsSync(path.join(dir, 'sel.jpg'))).toBe(false);
    expect(projects()).toBe(before); // the refused mask left no project behind
    // A flat grey photo: the point finds an object box but selects no pixel; no empty mask is written.
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 120, g: 120, b: 120 } } }).png().toFile(path.join(dir, 'flat.png'));
    const empty = spawnSync(process.execPath, [bin, 'segment', path.join(dir, 'flat.png'), '--point', '30,20', '-o', path.join(dir, 'flat-mask.png')], { encoding: 'utf8', timeout: 60_000 });
    expect(empty.status).toBe(1);
    expect(empty.stderr).toMatch(/inpaint-studio: nothing was selected, so no mask was written/);
    expect(existsSync(path.join(dir, 'flat-mask.png'))).toBe(false);
    const ignored = cli('inpaint', photo, '--mask', mask, '-o', path.join(dir, 'pm.png'), '--steps', '10', '--sampler', 'ddpm');
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(/note: --sampler, --steps apply to --method diffusion only/);
  });

  it('doctor reports and fails when the data folder cannot be written, with the folder as an absolute path', () => {
    writeFileSync(path.join(dir, 'not-a-folder'), 'x');
    const run = (dataDir: string) => spawnSync(process.execPath, [bin, 'doctor', '--data-dir', dataDir], { encoding: 'utf8', timeout: 120_000, cwd: dir });
    const bad = run(path.join('not-a-folder', 'data'));
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`Data folder: ${path.join(dir, 'not-a-folder', 'data')} is NOT writable`);
    expect(bad.stderr.trim()).toMatch(/^inpaint-studio: the data folder .* is not writable/);
    if (process.platform === 'linux') {
      // Node's recursive mkdir never returns here (ENOENT for an existing parent): the studio's own does.
      const proc = run('/proc/inpaint-studio-no-such-folder');
      expect(proc.error).toBeUndefined(); // not killed by the timeout
      expect(proc.status).toBe(1);
      expect(proc.stderr).toContain('/proc/inpaint-studio-no-such-folder is not writable');
    }
    const good = run('fine-data');
    expect(good.status).toBe(0);
    expect(good.stdout).toContain(`Data folder: ${path.join(dir, 'fine-data')} (writable)`);
    if (process.platform !== 'win32') expect(good.stdout).not.toContain('DirectML');
  });
});

