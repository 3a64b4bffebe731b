import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { packageRoot } from '../../workers/paths';
import { pyramidDepth } from './fillJob';
import { columnRuns, guideHoleValues, runGuidedPatchMatchBatch } from './guided-batch';
import { patchMatchFill } from './patchMatchFill';
import { GUIDED_MARGIN_RADII, planFillJobs } from './planFillJobs';
import { applyFill, discMask, errorInsideMask, linearGradient, randomNoise, tiledRandomTexture } from './testImages';
import type { FillResult, PixelImage, Rect } from './types';

// The real worker bundle, built as in worker-client.test.ts (temporary name, then renamed).
beforeAll(async () => {
  const root = packageRoot();
  const outdir = path.join(root, 'dist', 'main', 'workers');
  const built = await build({
    absWorkingDir: root,
    entryPoints: ['src/main/imaging/patchmatch/patchmatch.worker.ts'],
    outfile: path.join(outdir, 'patchmatch.cjs'),
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'linked',
    external: ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node'], logLevel: 'warning', write: false,
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of built.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
});

const W = 300, H = 200;

function threeHoles(): Uint8Array {
  const mask = new Uint8Array(W * H);
  for (const [cx, cy, r] of [[50, 50, 14], [250, 60, 10], [150, 140, 24]] as const) {
    const disc = discMask(W, H, cx, cy, r);
    for (let i = 0; i < mask.length; i++) if (disc[i]) mask[i] = 255;
  }
  return mask;
}

/**
 * A period-12 random texture, dark above y = 100 and bright below: every patch
 * has exact copies in its own half, and the halves differ in their low
 * frequencies, which is what a guide at scale 4 can choose between.
 */
function twoToneTexture(): PixelImage {
  const t = tiledRandomTexture(W, H, 12, 3, 31);
  const data = t.data.map((v, i) => (v >> 1) + (Math.floor(i / 3 / W) >= 100 ? 128 : 0));
  return { ...t, data };
}

function regionOf(image: PixelImage, rect: Rect): Uint8Array {
  const out = new Uint8Array(rect.width * rect.height * image.channels);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * image.channels;
    out.set(image.data.subarray(from, from + rect.width * image.channels), y * rect.width * image.channels);
  }
  return out;
}

async function batch(image: PixelImage, mask: Uint8Array, guides: PixelImage[], seeds: number[], workerCount: number, values16?: Uint16Array) {
  const results: (FillResult | undefined)[] = [];
  const requested: Rect[] = [];
  await runGuidedPatchMatchBatch(image, mask, {
    seeds, workerCount, guideScale: 4, ...(values16 ? { values16 } : {}),
    guideRegion: (i, rect) => { requested.push(rect); return regionOf(guides[i]!, rect); },
    onSample: (i, r) => { results[i] = r; },
  });
  return { results, requested };
}

describe('runGuidedPatchMatchBatch', () => {
  it('gives each sample the same bits as a single in-process fill with its full-frame guide, on any pool size', async () => {
    const image = twoToneTexture();
    const mask = threeHoles();
    // Sample 0 is guided by the true content, sample 1 by a smooth ramp (low frequencies, what a guide at scale 4 carries), sample 2 by noise.
    const guides = [image, linearGradient(W, H, 3), randomNoise(W, H, 3, 8)];
    const seeds = [7, 8, 9];
    const two = await batch(image, mask, guides, seeds, 2);
    const one = await batch(image, mask, guides, seeds, 1);
    for (let i = 0; i < seeds.length; i++) {
      const reference = patchMatchFill(image, mask, { seed: seeds[i]!, guide: guides[i]!, guideScale: 4 });
      expect(two.results[i]!.region).toEqual(reference.region);
      expect(Buffer.from(two.results[i]!.data).equals(Buffer.from(reference.data))).toBe(true);
      expect(Buffer.from(one.results[i]!.data).equals(Buffer.from(reference.data))).toBe(true);
      // Outside the mask the region is the source, byte for byte.
      const r = reference.region;
      for (let y = 0; y < r.height; y++) for (let x = 0; x < r.width; x++) {
        if (mask[(r.y + y) * W + r.x + x]! > 127) continue;
        for (let c = 0; c < 3; c++) expect(two.results[i]!.data[(y * r.width + x) * 3 + c]).toBe(image.data[((r.y + y) * W + r.x + x) * 3 + c]);
      }
    }
    // Against ground truth, not only ourselves: guided by the true content, a periodic texture comes back (bound as in patchMatchFill.test.ts).
    const filled = applyFill(image, two.results[0]!.region, two.results[0]!.data);
    expect(errorInsideMask(filled, image, mask).mean).toBeLessThan(0.5);
    expect(Buffer.from(two.results[1]!.data).equals(Buffer.from(two.results[0]!.data))).toBe(false);
    // Guides are asked for hole boxes only, never the frame.
    for (const rect of two.requested) expect(rect.width * rect.height).toBeLessThan((W * H) / 8);
  });

  it('carries 16-bit values and rejects bad requests with clear errors', async () => {
    const image = randomNoise(W, H, 4, 3);
    const values16 = new Uint16Array(W * H * 4);
    for (let i = 0; i < values16.length; i++) values16[i] = image.data[i]! * 257;
    const mask = threeHoles();
    const guides = [randomNoise(W, H, 4, 5), randomNoise(W, H, 4, 6)];
    const { results } = await batch(image, mask, guides, [1, 2], 2, values16);
    const reference = patchMatchFill(image, mask, { seed: 2, guide: guides[1]!, guideScale: 4, values16 });
    expect(Buffer.from(results[1]!.data16!.buffer).equals(Buffer.from(reference.data16!.buffer))).toBe(true);

    const run = (o: Partial<Parameters<typeof runGuidedPatchMatchBatch>[2]>) => runGuidedPatchMatchBatch(image, mask, {
      seeds: [1], guideRegion: (_i, rect) => new Uint8Array(rect.width * rect.height * 4), ...o,
    });
    await expect(run({ seeds: [] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /at least one sample/ });
    await expect(run({ seeds: [-1] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /uint32/ });
    await expect(run({ guideScale: 0.5 })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /guideScale/ });
    await expect(run({ guideRegion: () => new Uint8Array(3) })).rejects.toBeInstanceOf(StudioError);
    const controller = new AbortController();
    controller.abort();
    await expect(run({ signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('guideHoleValues', () => {
  it('asks for bands of rows over the columns that hold hole pixels only, and packs what one whole-box request would', async () => {
    // Two discs far enough apart for two runs of columns, close enough to be one job.
    const w = 440, h = 200;
    const image = randomNoise(w, h, 3, 12);
    const guide = randomNoise(w, h, 3, 13);
    const mask = new Uint8Array(w * h);
    for (const cx of [100, 336]) {
      const disc = discMask(w, h, cx, 100, 80);
      for (let i = 0; i < mask.length; i++) if (disc[i]) mask[i] = 255;
    }
    const jobs = planFillJobs(mask, w, h, 7, undefined, GUIDED_MARGIN_RADII).jobs;
    expect(jobs.length).toBe(1);
    const job = jobs[0]!;
    const box = job.holeBox;
    const expected: number[] = [];
    for (let y = box.y; y < box.y + box.height; y++) {
      for (let x = box.x; x < box.x + box.width; x++) if (mask[y * w + x]! > 127) for (let c = 0; c < 3; c++) expected.push(guide.data[(y * w + x) * 3 + c]!);
    }
    for (const rows of [1, 7, 64, box.height]) {
      const asked: Rect[] = [];
      const values = await guideHoleValues((_i, rect) => { asked.push(rect); return regionOf(guide, rect); }, 0, job, mask, image, rows * box.width);
      expect(Buffer.from(values).equals(Buffer.from(expected))).toBe(true);
      // Each mask pixel of the box is in exactly one rect; rects stay in the box and leave out the gap between the discs.
      const cover = new Uint8Array(w * h);
      for (const r of asked) {
        expect(r.x >= box.x && r.y >= box.y && r.x + r.width <= box.x + box.width && r.y + r.height <= box.y + box.height).toBe(true);
        expect(r.height).toBeLessThanOrEqual(rows);
        // Columns 181..255 lie between the discs.
        expect(r.x + r.width <= 181 || r.x >= 256).toBe(true);
        for (let y = r.y; y < r.y + r.height; y++) for (let x = r.x; x < r.x + r.width; x++) cover[y * w + x]!++;
      }
      let miscovered = 0;
      for (let i = 0; i < mask.length; i++) if (mask[i]! > 127 && cover[i] !== 1) miscovered++;
      expect(miscovered).toBe(0);
    }
    await expect(guideHoleValues(() => new Uint8Array(5), 0, job, mask, image)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('merges runs of columns closer than the gap', () => {
    const used = Uint8Array.from([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1]);
    expect(columnRuns(used, 1)).toEqual([[1, 3], [5, 6], [10, 12]]);
    expect(columnRuns(used, 3)).toEqual([[1, 6], [10, 12]]);
    expect(columnRuns(used, 10)).toEqual([[1, 12]]);
    expect(columnRuns(new Uint8Array(4), 2)).toEqual([]);
  });
});

describe('pyramidDepth', () => {
  it('stops a guided pass at the guide\'s own detail scale, never deeper than the hole needs', () => {
    // Unguided: ceil(log2(inradius / 2 patches)), at least 1.
    expect(pyramidDepth({ patchSize: 7, inradius: 505 })).toBe(6);
    expect(pyramidDepth({ patchSize: 7, inradius: 5 })).toBe(1);
    // Guided: floor(log2(guideScale)), at least 1, at most the unguided depth.
    expect(pyramidDepth({ patchSize: 7, inradius: 505, guideScale: 7.06 })).toBe(2);
    expect(pyramidDepth({ patchSize: 7, inradius: 505, guideScale: 44.5 })).toBe(5);
    expect(pyramidDepth({ patchSize: 7, inradius: 505, guideScale: 1 })).toBe(1);
    expect(pyramidDepth({ patchSize: 7, inradius: 30, guideScale: 1000 })).toBe(2);
  });
});

describe('runGuidedPatchMatchBatch cancelled', () => {
  it('asks for no guide once the batch has been cancelled', async () => {
    const w = 300, h = 200;
    const image = randomNoise(w, h, 3, 5);
    const mask = new Uint8Array(w * h);
    const disc = discMask(w, h, 150, 100, 30);
    for (let i = 0; i < mask.length; i++) if (disc[i]) mask[i] = 255;
    const controller = new AbortController();
    let settledAt = -1;
    let calls = 0;
    let callsAfterSettle = 0;
    const promise = runGuidedPatchMatchBatch(image, mask, {
      seeds: [1, 2, 3, 4, 5, 6, 7, 8], workerCount: 2, guideScale: 4, signal: controller.signal,
      guideRegion: async (_i, rect) => {
        calls++;
        if (settledAt >= 0) callsAfterSettle++;
        if (calls === 1) setTimeout(() => controller.abort(), 0);
        await new Promise((r) => setTimeout(r, 20)); // an upsampling that takes a moment
        return new Uint8Array(rect.width * rect.height * 3);
      },
    });
    await expect(promise).rejects.toMatchObject({ code: 'CANCELLED' });
    settledAt = calls;
    await new Promise((r) => setTimeout(r, 400));
    // The tasks already started must not go on upsampling the guides of their remaining samples.
    expect({ callsAfterSettle }).toEqual({ callsAfterSettle: 0 });
  });
});
