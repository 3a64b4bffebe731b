/**
 * `versions.region` through the service: the bytes equal the same pixels of
 * the original decoded independently with sharp (EXIF orientation applied),
 * for an oriented JPEG, a 16-bit PNG and a rectangle clipped at the border;
 * bad rectangles and unknown versions are rejected with clear errors.
 * `samples.region`: byte-identical to `versions.region` of the version that
 * applying the sample makes (same fixtures), and served from one kept decode
 * of the base version plus each sample's crop.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../shared/errors';
import { StudioService } from '../service';
import type { RawImage } from './io';
import { RegionReader } from './region';

let dir: string;
let service: StudioService;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'studio-region-'));
  service = new StudioService({ dataDir: dir, mode: 'browser', version: 'test' });
});
afterAll(async () => {
  await service.close();
  rmSync(dir, { recursive: true, force: true });
});

function pattern(w: number, h: number, channels: number, depth: 8 | 16): Buffer {
  const n = w * h * channels;
  const arr = depth === 16 ? new Uint16Array(n) : new Uint8Array(n);
  let s = 99;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    arr[i] = depth === 16 ? s >>> 16 : s >>> 24;
  }
  return Buffer.from(arr.buffer);
}

/** The reference: sharp decodes the file on its own, upright, and cuts the rectangle out. */
async function reference(file: Uint8Array, rect: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  return sharp(file).rotate().extract({ left: rect.x, top: rect.y, width: rect.width, height: rect.height })
    .toColourspace('srgb').ensureAlpha().raw({ depth: 'uchar' }).toBuffer();
}

describe('versions.region', () => {
  it('an EXIF-rotated JPEG: the region is the upright photo’s pixels', async () => {
    // Stored 90×60 in sensor orientation, EXIF 6: the photo is 60×90 upright.
    const jpeg = new Uint8Array(await sharp(pattern(90, 60, 3, 8), { raw: { width: 90, height: 60, channels: 3 } })
      .jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer());
    const detail = await service.call('images.import', { fileName: 'turned.jpg', bytes: jpeg });
    expect([detail.image.width, detail.image.height]).toEqual([60, 90]);
    const versionId = detail.project.headVersionId;
    const rect = { x: 7, y: 30, width: 40, height: 33 };
    const got = await service.call('versions.region', { versionId, ...rect });
    expect({ x: got.x, y: got.y, width: got.width, height: got.height }).toEqual(rect);
    expect(Buffer.from(got.rgba).equals(await reference(jpeg, rect))).toBe(true);
  });

  it('a 16-bit PNG is scaled to 8 bits like sharp does; a rectangle past the edge is clipped', async () => {
    const png = new Uint8Array(await sharp(pattern(70, 50, 3, 16), { raw: { width: 70, height: 50, channels: 3 } })
      .toColourspace('rgb16').png().toBuffer());
    const detail = await service.call('images.import', { fileName: 'deep.png', bytes: png });
    expect(detail.image.bitDepth).toBe(16);
    const got = await service.call('versions.region', { versionId: detail.project.headVersionId, x: 50, y: 20, width: 512, height: 512 });
    expect({ x: got.x, y: got.y, width: got.width, height: got.height }).toEqual({ x: 50, y: 20, width: 20, height: 30 });
    expect(got.rgba.length).toBe(20 * 30 * 4);
    expect(Buffer.from(got.rgba).equals(await reference(png, { x: 50, y: 20, width: 20, height: 30 }))).toBe(true);
  });

  it('rejects rectangles outside the photo, empty or oversized ones, and unknown versions', async () => {
    const png = new Uint8Array(await sharp(pattern(40, 30, 3, 8), { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer());
    const versionId = (await service.call('images.import', { fileName: 'small.png', bytes: png })).project.headVersionId;
    await expect(service.call('versions.region', { versionId, x: 40, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('outside the 40×30 photo') });
    await expect(service.call('versions.region', { versionId, x: 0, y: 0, width: 0, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('versions.region', { versionId, x: 0, y: 0, width: 2048, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('width') });
    await expect(service.call('versions.region', { versionId, x: -1, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('versions.region', { versionId, x: 1.5, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('versions.region', { versionId: 999_999, x: 0, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // Concurrent requests for one version share a decode and all answer correctly.
    const rects = [0, 10, 20].map((y) => ({ x: 0, y, width: 40, height: 10 }));
    const answers = await Promise.all(rects.map((r) => service.call('versions.region', { versionId, ...r })));
    for (const [k, a] of answers.entries()) expect(Buffer.from(a.rgba).equals(await reference(png, rects[k]!))).toBe(true);
  });
});

/** A white (> 127) box mask at the photo's upright size, as a 1-channel PNG. */
async function boxMaskPng(w: number, h: number, box: { x: number; y: number; width: number; height: number }): Promise<Uint8Array> {
  const m = Buffer.alloc(w * h);
  for (let y = box.y; y < box.y + box.height; y++) for (let x = box.x; x < box.x + box.width; x++) m[y * w + x] = 255;
  return new Uint8Array(await sharp(m, { raw: { width: w, height: h, channels: 1 } }).png().toBuffer());
}

/** Imports `file`, fills `box` with two PatchMatch samples and returns the run. */
async function fillTwice(fileName: string, file: Uint8Array, box: { x: number; y: number; width: number; height: number }) {
  const detail = await service.call('images.import', { fileName, bytes: file });
  const { width, height } = detail.image;
  const job = await service.call('jobs.inpaint', {
    projectId: detail.project.id, versionId: detail.project.headVersionId, mask: { png: await boxMaskPng(width, height, box), x: 0, y: 0, width, height },
    params: { method: 'patchmatch', samples: 2, seed: 3 },
  });
  await service.waitForJob(job.jobId);
  const run = service.repo.run(job.runId);
  expect(run.status, run.error ?? '').toBe('done');
  expect(run.samples).toHaveLength(2);
  return { detail, run };
}

/**
 * For every sample and rectangle, `samples.region` must equal `versions.region`
 * of the version `versions.apply` makes from that sample, byte for byte.
 */
async function expectSameAsApplied(fileName: string, file: Uint8Array, box: { x: number; y: number; width: number; height: number }, rects: readonly { x: number; y: number; width: number; height: number }[]): Promise<void> {
  const { detail, run } = await fillTwice(fileName, file, box);
  const baseBox = await service.call('versions.region', { versionId: run.baseVersionId, ...box });
  for (const sample of run.samples) {
    const previews = [];
    for (const rect of [box, ...rects]) previews.push(await service.call('samples.region', { sampleId: sample.id, ...rect }));
    // The fill changed the box: the test compares sample pixels, not only the base's.
    expect(Buffer.from(previews[0]!.rgba).equals(Buffer.from(baseBox.rgba))).toBe(false);
    const applied = await service.call('versions.apply', { runId: run.id, sampleIndex: sample.index });
    const versionId = applied.project.headVersionId;
    expect(applied.versions.find((v) => v.id === versionId)?.sampleId).toBe(sample.id);
    for (const [k, rect] of [box, ...rects].entries()) {
      const want = await service.call('versions.region', { versionId, ...rect });
      const got = previews[k]!;
      expect({ sampleId: got.sampleId, x: got.x, y: got.y, width: got.width, height: got.height })
        .toEqual({ sampleId: sample.id, x: want.x, y: want.y, width: want.width, height: want.height });
      expect(Buffer.from(got.rgba).equals(Buffer.from(want.rgba)), `sample ${sample.index + 1}, rect ${JSON.stringify(rect)}`).toBe(true);
    }
  }
  expect(detail.image.width).toBeGreaterThan(0);
}

describe('samples.region', () => {
  it('an EXIF-rotated JPEG: each sample’s region is what applying it gives, inside, across and outside its box', async () => {
    const jpeg = new Uint8Array(await sharp(pattern(90, 60, 3, 8), { raw: { width: 90, height: 60, channels: 3 } })
      .jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer());
    // Upright 60×90; the box and the rectangles are in upright pixels.
    await expectSameAsApplied('turned-fill.jpg', jpeg, { x: 18, y: 30, width: 20, height: 24 }, [
      { x: 0, y: 0, width: 60, height: 90 }, // the whole photo
      { x: 30, y: 40, width: 512, height: 40 }, // across the box's right edge, clipped at the photo's
      { x: 0, y: 0, width: 15, height: 25 }, // no overlap: the base version's pixels
      { x: 20, y: 33, width: 5, height: 5 }, // inside the box only
    ]);
  });

  it('a 16-bit PNG: the crop is pasted at 16 bits and scaled to 8 once, as for the applied version', async () => {
    const png = new Uint8Array(await sharp(pattern(70, 50, 3, 16), { raw: { width: 70, height: 50, channels: 3 } })
      .toColourspace('rgb16').png().toBuffer());
    await expectSameAsApplied('deep-fill.png', png, { x: 40, y: 12, width: 22, height: 20 }, [
      { x: 0, y: 0, width: 70, height: 50 },
      { x: 35, y: 30, width: 1024, height: 1024 },
      { x: 0, y: 30, width: 30, height: 20 },
    ]);
  });

  it('rejects bad rectangles and unknown samples like versions.region', async () => {
    const png = new Uint8Array(await sharp(pattern(40, 30, 3, 8), { raw: { width: 40, height: 30, channels: 3 } }).png().toBuffer());
    const { run } = await fillTwice('small-fill.png', png, { x: 10, y: 10, width: 8, height: 8 });
    const sampleId = run.samples[0]!.id;
    await expect(service.call('samples.region', { sampleId, x: 0, y: 30, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('outside the 40×30 photo') });
    await expect(service.call('samples.region', { sampleId, x: 0, y: 0, width: 5, height: 0 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('height') });
    await expect(service.call('samples.region', { sampleId, x: 0, y: 0, width: 5, height: 1025 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('height') });
    await expect(service.call('samples.region', { sampleId, x: 0, y: -2, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('samples.region', { sampleId, x: 0.5, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('samples.region', { sampleId: 0, x: 0, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('sampleId') });
    await expect(service.call('samples.region', { versionId: run.baseVersionId, x: 0, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('samples.region', { sampleId, x: 0, y: 0, width: 5, height: 5, path: '/etc' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(service.call('samples.region', { sampleId: 999_999, x: 0, y: 0, width: 5, height: 5 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('sample 999999') });
  });
});

describe('RegionReader for samples', () => {
  /** An 8-bit RGB image whose every byte is a function of its position. */
  function image(w: number, h: number, seed: number): RawImage {
    const data = new Uint8Array(w * h * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + seed * 31) & 255;
    return { width: w, height: h, channels: 3, depth: 8, data };
  }

  it('keeps the base decode and the crops: tiles of two samples of one run decode one frame and each crop once', async () => {
    const base = image(1200, 800, 1);
    // The crop spans four tiles (600..900 × 450..650).
    const crops = new Map([[1, image(300, 200, 2)], [2, image(300, 200, 3)]]);
    const placement = { baseVersionId: 9, x: 600, y: 450, width: 300, height: 200 };
    const calls = { load: 0, crop: 0 };
    const reader = new RegionReader({
      load: async (versionId) => { calls.load++; expect(versionId).toBe(9); return { image: base }; },
      samplePlacement: (sampleId) => {
        if (!crops.has(sampleId)) throw new StudioError('NOT_FOUND', `sample ${sampleId} does not exist`);
        return placement;
      },
      sampleCrop: async (sampleId) => { calls.crop++; return crops.get(sampleId)!; },
    });
    // The independent reference: paste the crop into a copy of the base, byte by byte, then read RGBA.
    const expected = (sampleId: number, rect: { x: number; y: number; width: number; height: number }): Buffer => {
      const crop = crops.get(sampleId)!;
      const out = Buffer.alloc(rect.width * rect.height * 4);
      for (let y = 0; y < rect.height; y++) for (let x = 0; x < rect.width; x++) {
        const ix = rect.x + x, iy = rect.y + y;
        const inCrop = ix >= placement.x && iy >= placement.y && ix < placement.x + placement.width && iy < placement.y + placement.height;
        const from = inCrop ? crop.data.subarray(((iy - placement.y) * crop.width + ix - placement.x) * 3) : base.data.subarray((iy * base.width + ix) * 3);
        out.set([from[0]!, from[1]!, from[2]!, 255], (y * rect.width + x) * 4);
      }
      return out;
    };
    const tiles = [0, 512, 1024].flatMap((x) => [0, 512].map((y) => ({ x, y, width: 512, height: 512 })));
    // Tile (0, 0) does not meet the crop: it never needs the crop decoded.
    const first = await reader.readSample({ sampleId: 1, ...tiles[0]! });
    expect(calls).toEqual({ load: 1, crop: 0 });
    expect(Buffer.from(first.rgba).equals(expected(1, tiles[0]!))).toBe(true);
    for (const sampleId of [1, 2, 1, 2]) {
      const answers = await Promise.all(tiles.map((t) => reader.readSample({ sampleId, ...t })));
      for (const [k, a] of answers.entries()) {
        const t = tiles[k]!;
        const clipped = { x: t.x, y: t.y, width: Math.min(t.width, 1200 - t.x), height: Math.min(t.height, 800 - t.y) };
        expect({ x: a.x, y: a.y, width: a.width, height: a.height }).toEqual(clipped);
        expect(Buffer.from(a.rgba).equals(expected(sampleId, clipped)), `sample ${sampleId}, tile ${t.x},${t.y}`).toBe(true);
      }
    }
    expect(calls).toEqual({ load: 1, crop: 2 });
    // The base version's own tiles share the same decode.
    await reader.read({ versionId: 9, x: 512, y: 0, width: 512, height: 512 });
    expect(calls.load).toBe(1);
    await expect(reader.readSample({ sampleId: 7, x: 0, y: 0, width: 8, height: 8 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(calls.load).toBe(1);
  });
});
