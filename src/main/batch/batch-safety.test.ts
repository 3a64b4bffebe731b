/**
 * Batch jobs never lose or overwrite what they should not: masks kept next to
 * the photos, a user's file after a crash, originals through a link, two
 * photos with one output name, and whole-batch problems reported once.
 * In-process over a real history database, real folders and real images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { inpaintParamsSchema } from '../../shared/api';
import { openDatabase, type Db } from '../history/db';
import { BatchRepository } from '../history/batch-repository';
import { BatchManager } from './manager';
import { BatchRunner, outputRelPath, type BatchOptions, type MaskStrategy } from './engine';
import { DEFAULT_TYPES } from './scan';

const W = 96, H = 64;
let root: string;
let db: Db;
let repo: BatchRepository;
let manager: BatchManager;
let n = 0;

const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

function scene(seed: number): Buffer {
  const raw = Buffer.alloc(W * H * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7 + seed * 31 + Math.floor(i / 300) * 13) & 255;
  return raw;
}
const photo = (seed: number) => sharp(scene(seed), { raw: { width: W, height: H, channels: 3 } });

/** A white square at (x, y), 10×10. */
async function squareMask(x: number, y: number, w = W, h = H): Promise<Buffer> {
  const m = Buffer.alloc(w * h);
  for (let yy = y; yy < y + 10; yy++) for (let xx = x; xx < x + 10; xx++) m[yy * w + xx] = 255;
  return sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer();
}

function options(mask: MaskStrategy, extra: Partial<BatchOptions> = {}): BatchOptions {
  return {
    mask, params: inpaintParamsSchema.parse({ method: 'patchmatch' }), recursive: false, types: [...DEFAULT_TYPES],
    overwrite: false, suffix: '', format: 'keep', quality: 95, contactSheet: false, ...extra,
  };
}

/** A fresh folder under the test root. */
function folder(name: string): string {
  const d = path.join(root, `${++n}-${name}`);
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'studio-batch-safety-'));
  db = openDatabase(path.join(root, 'history.sqlite'));
  repo = new BatchRepository(db);
  manager = new BatchManager(repo, () => Promise.reject(new Error('no models in this test')));
});
afterAll(() => {
  db.close();
  rmSync(root, { recursive: true, force: true });
});

describe('--masks pointing at the input folder itself', () => {
  it('never uses a photo as its own mask, and does not fill the masks as photos', async () => {
    const input = folder('in');
    await photo(1).png().toFile(path.join(input, 'a.png'));
    writeFileSync(path.join(input, 'a.mask.png'), await squareMask(20, 20));
    await photo(2).jpeg({ quality: 95 }).toFile(path.join(input, 'c.jpg'));
    writeFileSync(path.join(input, 'c-mask.png'), await squareMask(50, 30));
    await photo(3).png().toFile(path.join(input, 'lonely.png')); // no mask of its own
    const out = path.join(input, '..', `${n}-out`);
    const { jobId } = await manager.create(input, out, options({ kind: 'masks', dir: input, fit: 'fail' }), false);
    expect(repo.items(jobId).map((i) => i.relPath)).toEqual(['a.png', 'c.jpg', 'lonely.png']);
    const summary = await manager.run(jobId);
    const byPath = new Map(repo.items(jobId).map((i) => [i.relPath, i]));
    expect(byPath.get('a.png')).toMatchObject({ status: 'done' });
    expect(byPath.get('c.jpg')).toMatchObject({ status: 'done' });
    expect(byPath.get('lonely.png')).toMatchObject({ status: 'failed', errorCode: 'NOT_FOUND' });
    expect(byPath.get('lonely.png')!.error).toMatch(/not its own mask/);
    expect(summary.counts).toMatchObject({ done: 2, failed: 1 });
    // a.png was filled inside its mask's square only: every pixel outside it is the original's.
    const before = await sharp(path.join(input, 'a.png')).raw().toBuffer();
    const after = await sharp(path.join(out, 'a.png')).raw().toBuffer();
    let changedOutside = 0, changedInside = 0;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      const inside = x >= 20 && x < 30 && y >= 20 && y < 30;
      for (let c = 0; c < 3; c++) {
        const i = (y * W + x) * 3 + c;
        if (before[i] === after[i]) continue;
        if (inside) changedInside++;
        else changedOutside++;
      }
    }
    expect(changedOutside).toBe(0);
    expect(changedInside).toBeGreaterThan(0);
  });
});

describe('an output the user had before the job, after a crash', () => {
  it('is not replaced on resume unless this item had claimed it', async () => {
    const input = folder('in');
    const out = folder('out');
    await photo(4).png().toFile(path.join(input, 'b.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    writeFileSync(path.join(out, 'b.png'), 'the user\'s own file');
    const { jobId } = await manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    repo.claimNext(jobId); // the first attempt was killed before it got anywhere
    await manager.run(jobId);
    expect(readFileSync(path.join(out, 'b.png'), 'utf8')).toBe('the user\'s own file');
    expect(repo.items(jobId)[0]).toMatchObject({ status: 'skipped', attempts: 2, outputPath: null });
    expect(repo.items(jobId)[0]!.error).toMatch(/b\.png already exists \(use --overwrite\)/);
  });

  it('is replaced on resume when the killed attempt had claimed the path and written it', async () => {
    const input = folder('in');
    const out = folder('out');
    await photo(5).png().toFile(path.join(input, 'b.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const { jobId } = await manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    const item = repo.claimNext(jobId)!;
    repo.claimOutput(item.id, path.join(out, 'b.png'));
    writeFileSync(path.join(out, 'b.png'), 'written by the killed attempt');
    await manager.run(jobId);
    const [row] = repo.items(jobId);
    expect(row).toMatchObject({ status: 'done', attempts: 2 });
    expect(sha(path.join(out, 'b.png'))).toBe(row!.outputHash);
  });

  it('keeps to the spelling an attempt before an upgrade claimed (IMG.jpg for IMG.JPG)', async () => {
    const input = folder('in');
    const out = folder('out');
    await photo(6).jpeg().toFile(path.join(input, 'IMG.JPG'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const { jobId } = await manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    const item = repo.claimNext(jobId)!;
    repo.claimOutput(item.id, path.join(out, 'IMG.jpg')); // the older naming lower-cased the extension
    writeFileSync(path.join(out, 'IMG.jpg'), 'written by the killed attempt');
    await manager.run(jobId);
    const [row] = repo.items(jobId);
    expect(row).toMatchObject({ status: 'done', outputPath: path.join(out, 'IMG.jpg') });
    expect(sha(path.join(out, 'IMG.jpg'))).toBe(row!.outputHash);
    expect(readdirSync(out)).toEqual(['IMG.jpg']); // no second copy beside it
  });
});

describe('originals through a link', () => {
  it('refuses an output folder that is the input folder through a symlink, even with overwrite', async () => {
    const input = folder('origs');
    await photo(6).png().toFile(path.join(input, 'a.png'));
    const before = sha(path.join(input, 'a.png'));
    const link = path.join(root, `${n}-origlink`);
    symlinkSync(input, link);
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    await expect(manager.create(input, link, options({ kind: 'mask', file: mask, fit: 'fail' }, { overwrite: true }), false))
      .rejects.toMatchObject({ code: 'FORBIDDEN_PATH', message: expect.stringMatching(/is the input folder/) });
    expect(sha(path.join(input, 'a.png'))).toBe(before);
  });

  it('an item whose output is its own original (through a link) fails and the original stays', async () => {
    const input = folder('origs');
    await photo(7).png().toFile(path.join(input, 'a.png'));
    const before = sha(path.join(input, 'a.png'));
    const link = path.join(root, `${n}-origlink`);
    symlinkSync(input, link);
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    // A job recorded before the folder check existed (or the link appeared later).
    const opts = options({ kind: 'mask', file: mask, fit: 'fail' }, { overwrite: true });
    const jobId = repo.createJob(input, link, opts, ['a.png']);
    await new BatchRunner(repo, jobId, input, link, opts).run(new AbortController().signal);
    expect(repo.items(jobId)[0]).toMatchObject({ status: 'failed', errorCode: 'FORBIDDEN_PATH' });
    expect(sha(path.join(input, 'a.png'))).toBe(before);
  });

  it('an output folder inside the input folder through a link is not scanned as photos', async () => {
    const input = folder('in');
    await photo(8).png().toFile(path.join(input, 'a.png'));
    mkdirSync(path.join(input, 'cleaned'));
    await photo(9).png().toFile(path.join(input, 'cleaned', 'old-output.png'));
    const link = path.join(root, `${n}-cleaned-link`);
    symlinkSync(path.join(input, 'cleaned'), link);
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const { jobId } = await manager.create(input, link, options({ kind: 'mask', file: mask, fit: 'fail' }, { recursive: true }), false);
    expect(repo.items(jobId).map((i) => i.relPath)).toEqual(['a.png']);
  });
});

describe('output names', () => {
  it('keep the photo\'s own spelling of its extension when it names the output format', () => {
    const keep = { format: 'keep', suffix: '' } as const;
    expect(outputRelPath('IMG_0001.JPG', 'jpeg', keep)).toBe('IMG_0001.JPG');
    expect(outputRelPath(path.join('day 1', 'scan.jpeg'), 'jpeg', keep)).toBe(path.join('day 1', 'scan.jpeg'));
    expect(outputRelPath('film.TIFF', 'tiff', { format: 'keep', suffix: '-clean' })).toBe('film-clean.TIFF');
    // The format changes: the format's usual extension.
    expect(outputRelPath('IMG_0001.JPG', 'jpeg', { format: 'png', suffix: '' })).toBe('IMG_0001.png');
    expect(outputRelPath('shot.PNG', 'png', { format: 'png', suffix: '' })).toBe('shot.PNG');
    // A PNG named .jpg is written as PNG, so its name says so.
    expect(outputRelPath('odd.jpg', 'png', keep)).toBe('odd.png');
  });
});

describe('two photos with one output name', () => {
  it('counts names differing only in case as one (they are one file on a case-insensitive disk)', async () => {
    const input = folder('in');
    await photo(22).jpeg().toFile(path.join(input, 'x.JPG'));
    await photo(23).jpeg().toFile(path.join(input, 'x.jpg'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    await expect(manager.create(input, path.join(root, `${n}-out`), options({ kind: 'mask', file: mask, fit: 'fail' }), false))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/x\.(JPG|jpg) and x\.(JPG|jpg) → x\.(JPG|jpg)/) });
  });

  it('refuses the job up front, naming the photos, and nothing is written', async () => {
    const input = folder('in');
    await photo(10).jpeg().toFile(path.join(input, 'x.jpg'));
    await photo(11).png().toFile(path.join(input, 'x.png'));
    await photo(12).png().toFile(path.join(input, 'y.png'));
    const out = path.join(root, `${n}-out`);
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const jobsBefore = repo.jobs().length;
    await expect(manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }, { format: 'png' }), false))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/x\.jpg and x\.png → x\.png.*separate folders.*--format keep/) });
    expect(repo.jobs()).toHaveLength(jobsBefore);
    // With each photo's own format the names differ: the job is fine.
    await expect(manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false)).resolves.toMatchObject({ resumed: false });
  });

  it('at run time (names the scan could not foresee) the second photo fails naming the first; the first result is kept', async () => {
    const input = folder('in');
    await photo(13).jpeg().toFile(path.join(input, 'x.jpg'));
    await photo(14).png().toFile(path.join(input, 'x.png'));
    const out = folder('out');
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const opts = options({ kind: 'mask', file: mask, fit: 'fail' }, { format: 'png', overwrite: true });
    const jobId = repo.createJob(input, out, opts, ['x.jpg', 'x.png']);
    await new BatchRunner(repo, jobId, input, out, opts).run(new AbortController().signal);
    const [first, second] = repo.items(jobId);
    expect(first).toMatchObject({ status: 'done', relPath: 'x.jpg' });
    expect(second).toMatchObject({ status: 'failed', errorCode: 'OUTPUT_EXISTS' });
    expect(second!.error).toMatch(/x\.png and x\.jpg would both be written to x\.png; put photos with the same name in separate folders/);
    expect(sha(path.join(out, 'x.png'))).toBe(first!.outputHash);
  });
});

describe('whole-batch problems fail once, before the job', () => {
  it('an unreadable shared mask', async () => {
    const input = folder('in');
    await photo(15).png().toFile(path.join(input, 'a.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, 'not a png');
    const jobsBefore = repo.jobs().length;
    await expect(manager.create(input, path.join(root, `${n}-out`), options({ kind: 'mask', file: mask, fit: 'fail' }), false))
      .rejects.toMatchObject({ code: 'BAD_MASK', message: expect.stringMatching(/could not be read as a mask/) });
    expect(repo.jobs()).toHaveLength(jobsBefore);
  });

  it('an empty shared mask', async () => {
    const input = folder('in');
    await photo(16).png().toFile(path.join(input, 'a.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await sharp(Buffer.alloc(W * H), { raw: { width: W, height: H, channels: 1 } }).png().toBuffer());
    await expect(manager.create(input, path.join(root, `${n}-out`), options({ kind: 'mask', file: mask, fit: 'fail' }), false))
      .rejects.toMatchObject({ code: 'MASK_EMPTY' });
  });

  it('a class the detector does not know', async () => {
    const input = folder('in');
    await photo(17).png().toFile(path.join(input, 'a.png'));
    const jobsBefore = repo.jobs().length;
    await expect(manager.create(input, path.join(root, `${n}-out`), options({ kind: 'select', className: 'dragon' }), false))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/^"dragon" is not a class the detector knows \(.*person/) });
    expect(repo.jobs()).toHaveLength(jobsBefore);
  });

  it('--resume with no earlier job for these folders', async () => {
    const input = folder('in');
    await photo(18).png().toFile(path.join(input, 'a.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const jobsBefore = repo.jobs().length;
    await expect(manager.create(input, path.join(root, `${n}-out`), options({ kind: 'mask', file: mask, fit: 'fail' }), true))
      .rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/no earlier batch job .* run without --resume/) });
    expect(repo.jobs()).toHaveLength(jobsBefore);
  });
});

describe('--resume through another spelling of the folders', () => {
  it('finds the job when the input and output are reached through links', async () => {
    const input = folder('in');
    await photo(19).png().toFile(path.join(input, 'a.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const out = folder('out');
    const { jobId } = await manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    const inLink = path.join(root, `${n}-in-link`);
    const outLink = path.join(root, `${n}-out-link`);
    symlinkSync(input, inLink, 'dir');
    symlinkSync(out, outLink, 'dir');
    // A newer job for other folders does not get in the way.
    const otherIn = folder('other-in');
    await photo(20).png().toFile(path.join(otherIn, 'b.png'));
    await manager.create(otherIn, folder('other-out'), options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    const jobs = repo.jobs().length;
    await expect(manager.create(inLink, outLink, options({ kind: 'mask', file: mask, fit: 'fail' }), true)).resolves.toEqual({ jobId, resumed: true });
    // The folder reached through a link to its parent: another path string for the same folder.
    const rootLink = path.join(root, `${n}-root-link`);
    symlinkSync(root, rootLink, 'dir');
    await expect(manager.create(path.join(rootLink, path.basename(input)), out, options({ kind: 'mask', file: mask, fit: 'fail' }), true)).resolves.toEqual({ jobId, resumed: true });
    // Only the input linked: the output differs, so there is nothing to resume.
    await expect(manager.create(inLink, folder('elsewhere'), options({ kind: 'mask', file: mask, fit: 'fail' }), true)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect(repo.jobs()).toHaveLength(jobs);
  });

  it('takes the newest job for the folders, also when an older one has the exact path strings', async () => {
    const input = folder('in');
    await photo(21).png().toFile(path.join(input, 'a.png'));
    const mask = path.join(root, `${n}-mask.png`);
    writeFileSync(mask, await squareMask(30, 20));
    const out = folder('out');
    const older = await manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    const inLink = path.join(root, `${n}-in-link`);
    symlinkSync(input, inLink, 'dir');
    const newer = await manager.create(inLink, out, options({ kind: 'mask', file: mask, fit: 'fail' }), false);
    expect(newer.jobId).toBeGreaterThan(older.jobId);
    await expect(manager.create(input, out, options({ kind: 'mask', file: mask, fit: 'fail' }), true)).resolves.toEqual({ jobId: newer.jobId, resumed: true });
  });
});
