/**
 * `versions.region` through the service: the bytes equal the same pixels of
 * the original decoded independently with sharp (EXIF orientation applied),
 * for an oriented JPEG, a 16-bit PNG and a rectangle clipped at the border;
 * bad rectangles and unknown versions are rejected with clear errors.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StudioService } from '../service';

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
