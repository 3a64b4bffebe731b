import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { handmadeTiff, noise } from '../../../tests/helpers/handmade-images';

const bin = path.resolve('bin/inpaint-studio.cjs');
let root: string;

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function scene(w: number, h: number, seed: number): Buffer {
  const n = noise(w * h * 3, seed, 50);
  const raw = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    const i = (y * w + x) * 3;
    raw[i] = 80 + 60 * Math.sin(x / 7 + seed) + n[i]!;
    raw[i + 1] = 100 + 40 * Math.cos(y / 5) + n[i + 1]!;
    raw[i + 2] = 90 + n[i + 2]!;
  }
  return raw;
}

async function dustMask(w: number, h: number): Promise<Buffer> {
  const m = Buffer.alloc(w * h);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) if ((x - w * 0.3) ** 2 + (y - h * 0.4) ** 2 < 36) m[y * w + x] = 255;
  return sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 180_000 });
}

function hashesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir)) out.set(f, sha(path.join(dir, f)));
  return out;
}

beforeAll(() => { root = mkdtempSync(path.join(os.tmpdir(), 'studio-batch-')); });
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('batch on a mixed folder', () => {
  it('fills every good image, records each bad one with its reason, and keeps going', async () => {
    const input = path.join(root, 'mixed');
    const masks = path.join(root, 'mixed-masks');
    mkdirSync(input);
    mkdirSync(masks);
    const w = 120, h = 80;
    const rgb = (seed: number) => sharp(scene(w, h, seed), { raw: { width: w, height: h, channels: 3 } });
    await rgb(1).jpeg({ quality: 92 }).toFile(path.join(input, 'a.jpg'));
    await rgb(2).png().toFile(path.join(input, 'b.png'));
    await rgb(3).webp({ lossless: true }).toFile(path.join(input, 'c.webp'));
    writeFileSync(path.join(input, 'd.tif'), handmadeTiff(w, h, 16, noise(w * h * 3, 9, 65535)));
    const good = await rgb(4).jpeg().toBuffer();
    writeFileSync(path.join(input, 'e-truncated.jpg'), good.subarray(0, Math.floor(good.length / 2)));
    writeFileSync(path.join(input, 'f-notes.jpg'), 'not an image at all');
    await rgb(5).png().toFile(path.join(input, 'g-square-mask.png'));
    writeFileSync(path.join(input, 'readme.txt'), 'ignored: not an image type');
    for (const name of ['a', 'b', 'c', 'd', 'e-truncated', 'f-notes']) writeFileSync(path.join(masks, `${name}.png`), await dustMask(w, h));
    writeFileSync(path.join(masks, 'g-square-mask.png'), await dustMask(80, 80));
    const before = hashesOf(input);

    const out = path.join(root, 'mixed-out');
    const r = cli(['batch', input, '-o', out, '--masks', masks, '--data-dir', path.join(root, 'data'), '--no-progress']);
    expect(r.status).toBe(1); // some photos failed
    expect(r.stderr.trim().split('\n').at(-1)).toBe('inpaint-studio: 3 of 7 photos failed (listed above)');
    expect(r.stdout).toMatch(/4 done, 3 failed, 0 skipped, 0 pending of 7/);
    expect(r.stdout).toMatch(/e-truncated\.jpg: .*could not be decoded/);
    expect(r.stdout).toMatch(/f-notes\.jpg: .*not a JPEG, PNG, WebP or TIFF/);
    expect(r.stdout).toMatch(/g-square-mask\.png: the mask's aspect 1:1 \(80×80\) differs from the photo's 3:2 \(120×80\)/);
    for (const [name, fmt] of [['a.jpg', 'jpeg'], ['b.png', 'png'], ['c.webp', 'webp'], ['d.tif', 'tiff']] as const) {
      const meta = await sharp(path.join(out, name)).metadata();
      expect(meta.format).toBe(fmt);
      expect([meta.width, meta.height]).toEqual([w, h]);
    }
    expect((await sharp(path.join(out, 'd.tif')).metadata()).depth).toBe('ushort');
    expect(readFileSync(path.join(out, 'contact-sheet.html'), 'utf8')).toContain('g-square-mask.png');
    expect(hashesOf(input)).toEqual(before);

    // A second run over the same folders finds nothing to redo.
    const again = cli(['batch', input, '-o', out, '--masks', masks, '--data-dir', path.join(root, 'data'), '--no-progress', '--resume']);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/4 done, 3 failed/);
  });
});

describe('batch with automatic masks', () => {
  it('--select person fills the frame with a person and skips the one without, saying why', async () => {
    const input = path.join(root, 'people');
    mkdirSync(input);
    const fixtures = path.resolve('tests/fixtures/segmentation');
    writeFileSync(path.join(input, 'portrait.jpg'), readFileSync(path.join(fixtures, 'grace_hopper.jpg')));
    writeFileSync(path.join(input, 'still-life.jpg'), readFileSync(path.join(fixtures, 'coffee.jpg')));
    const out = path.join(root, 'people-out');
    const r = cli(['batch', input, '-o', out, '--select', 'person', '--data-dir', path.join(root, 'data'), '--no-progress']);
    expect(r.stderr + r.stdout).toMatch(/1 done, 0 failed, 1 skipped/);
    expect(r.status).toBe(0); // a skipped photo is not a failure
    expect(r.stdout).toMatch(/still-life\.jpg: no person found in this photo/);
    expect(readdirSync(out)).toContain('portrait.jpg');
  }, 120_000);
});

describe('a killed batch resumes without redoing or corrupting anything', () => {
  it('survives kill -9 mid-job', async () => {
    const input = path.join(root, 'crash');
    mkdirSync(input);
    const w = 360, h = 240, n = 32;
    for (let i = 0; i < n; i++) {
      await sharp(scene(w, h, i), { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(input, `frame-${String(i).padStart(3, '0')}.png`));
    }
    const maskFile = path.join(root, 'dust.png');
    writeFileSync(maskFile, await dustMask(w, h));
    const before = hashesOf(input);
    const out = path.join(root, 'crash-out');
    const dataDir = path.join(root, 'crash-data');
    const args = ['batch', input, '-o', out, '--mask', maskFile, '--data-dir', dataDir, '--no-progress', '--grow', '2'];

    const child = spawn(process.execPath, [bin, ...args], { stdio: 'ignore' });
    const dbFile = path.join(dataDir, 'history.sqlite');
    const doneCount = () => {
      try {
        const db = new Database(dbFile, { readonly: true, fileMustExist: true });
        try { return (db.prepare(`SELECT COUNT(*) AS n FROM batch_items WHERE status = 'done'`).get() as { n: number }).n; } finally { db.close(); }
      } catch { return 0; }
    };
    const deadline = Date.now() + 120_000;
    while (doneCount() < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const db = new Database(dbFile, { readonly: true });
    const doneBefore = db.prepare(`SELECT id, finished_at, output_hash, attempts FROM batch_items WHERE status = 'done' ORDER BY id`).all() as { id: number; finished_at: string; output_hash: string; attempts: number }[];
    db.close();
    expect(doneBefore.length).toBeGreaterThanOrEqual(4);
    expect(doneBefore.length).toBeLessThan(n); // killed mid-job

    const resumed = cli([...args, '--resume']);
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toMatch(/Resuming batch/);
    expect(resumed.stdout).toMatch(new RegExp(`${n} done, 0 failed, 0 skipped, 0 pending of ${n}`));

    const after = new Database(dbFile, { readonly: true });
    const rows = after.prepare('SELECT id, rel_path, status, attempts, finished_at, output_path, output_hash FROM batch_items ORDER BY id').all() as
      { id: number; rel_path: string; status: string; attempts: number; finished_at: string; output_path: string; output_hash: string }[];
    after.close();
    // finished items were not redone: same completion time, same output hash, one attempt
    for (const d of doneBefore) {
      const row = rows.find((r) => r.id === d.id)!;
      expect(row).toMatchObject({ status: 'done', finished_at: d.finished_at, output_hash: d.output_hash, attempts: d.attempts });
    }
    // every image processed to completion exactly once; at most the one in flight was attempted twice
    expect(rows.every((r) => r.status === 'done')).toBe(true);
    expect(rows.filter((r) => r.attempts > 1).length).toBeLessThanOrEqual(1);
    // every output is complete and valid, and is exactly what the history recorded
    const outputs = readdirSync(out).filter((f) => f.endsWith('.png'));
    expect(outputs.sort()).toEqual([...before.keys()].sort());
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const r of rows) {
      expect(sha(r.output_path)).toBe(r.output_hash);
      const { info } = await sharp(r.output_path).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual([w, h]);
    }
    // no original changed
    expect(hashesOf(input)).toEqual(before);
  }, 240_000);
});

describe('batch exit codes', () => {
  it('whole-batch problems fail once, in one line, before any photo: usage errors exit 2', async () => {
    const input = path.join(root, 'once');
    mkdirSync(input);
    for (let i = 0; i < 3; i++) await sharp(scene(60, 40, i), { raw: { width: 60, height: 40, channels: 3 } }).png().toFile(path.join(input, `p${i}.png`));
    const badMask = path.join(root, 'not-a-mask.png');
    writeFileSync(badMask, 'not a png');
    const dataDir = path.join(root, 'once-data');
    const cases: [string[], number, RegExp][] = [
      [['--select', 'dragon'], 2, /^inpaint-studio: "dragon" is not a class the detector knows \(/],
      [['--mask', badMask, '--resume'], 2, /^inpaint-studio: there is no earlier batch job for .* run without --resume to start one$/],
      [['--mask', badMask], 1, /^inpaint-studio: mask .*not-a-mask\.png could not be read as a mask/],
      [[], 2, /^inpaint-studio: give exactly one of --mask/],
    ];
    for (const [extra, code, line] of cases) {
      const r = cli(['batch', input, '-o', path.join(root, 'once-out'), ...extra, '--data-dir', dataDir, '--no-progress']);
      expect([extra, r.status]).toEqual([extra, code]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(line);
      expect(r.stdout).toBe('');
    }
    // No job was recorded for any of them.
    const db = new Database(path.join(dataDir, 'history.sqlite'), { readonly: true });
    try { expect((db.prepare('SELECT COUNT(*) AS n FROM batch_jobs').get() as { n: number }).n).toBe(0); } finally { db.close(); }
  }, 120_000);

  it('Ctrl-C pauses the job and exits 130; --resume finishes it and exits 0', async () => {
    const input = path.join(root, 'interrupt');
    mkdirSync(input);
    const w = 360, h = 240, n = 24;
    for (let i = 0; i < n; i++) {
      await sharp(scene(w, h, i), { raw: { width: w, height: h, channels: 3 } }).png().toFile(path.join(input, `frame-${String(i).padStart(3, '0')}.png`));
    }
    const maskFile = path.join(root, 'interrupt-dust.png');
    writeFileSync(maskFile, await dustMask(w, h));
    const dataDir = path.join(root, 'interrupt-data');
    const args = ['batch', input, '-o', path.join(root, 'interrupt-out'), '--mask', maskFile, '--data-dir', dataDir, '--no-progress'];
    const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    const dbFile = path.join(dataDir, 'history.sqlite');
    const doneCount = () => {
      try {
        const db = new Database(dbFile, { readonly: true, fileMustExist: true });
        try { return (db.prepare(`SELECT COUNT(*) AS n FROM batch_items WHERE status = 'done'`).get() as { n: number }).n; } finally { db.close(); }
      } catch { return 0; }
    };
    const deadline = Date.now() + 120_000;
    while (doneCount() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    expect(stdout).toMatch(/Batch \d+ paused: .* of 24/);
    expect(code).toBe(130);
    expect(stdout).toContain(`--resume --data-dir ${JSON.stringify(dataDir)}`); // the hint works as printed
    const resumed = cli([...args, '--resume']);
    expect(resumed.status).toBe(0);
    expect(resumed.stdout).toMatch(/24 done, 0 failed, 0 skipped, 0 pending of 24/);
  }, 240_000);
});
