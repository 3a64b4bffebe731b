import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { fillJob, fillPreparedJob, prepareJob, preparedJobData, preparedJobFromData, type PreparedJobData } from './fillJob';
import { countHolePixels, cropJobImages, pasteHoleValues } from './jobCrops';
import { jobSeed } from './patchMatchFill';
import { isShared, SHARED_PLANES } from './planes';
import { GUIDED_MARGIN_RADII, planFillJobs } from './planFillJobs';
import { discMask, randomNoise, tiledRandomTexture } from './testImages';

/** Posts `data` through a real message port, as a worker's reply travels. */
function viaPort<T>(data: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise<T>((resolve) => {
    port2.once('message', (m: T) => {
      port1.close();
      resolve(m);
    });
    port1.postMessage(data);
  });
}

function typedArraysIn(value: unknown, out: ArrayBufferView[] = []): ArrayBufferView[] {
  if (ArrayBuffer.isView(value)) out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) typedArraysIn(v, out);
  return out;
}

describe('a job prepared once for several workers', () => {
  it('lives wholly in shared memory, crosses a message port without a copy and fills exactly like a job prepared here', async () => {
    const W = 220, H = 160;
    const image = tiledRandomTexture(W, H, 11, 3, 5);
    const mask = discMask(W, H, 110, 80, 30);
    const job = planFillJobs(mask, W, H, 7, undefined, GUIDED_MARGIN_RADII).jobs[0]!;
    const guide = randomNoise(W, H, 3, 17);
    const holeCount = countHolePixels(job, mask, W);
    const holeValues = new Uint8Array(holeCount * 3);
    let k = 0;
    for (let y = job.holeBox.y; y < job.holeBox.y + job.holeBox.height; y++) {
      for (let x = job.holeBox.x; x < job.holeBox.x + job.holeBox.width; x++) {
        if (mask[y * W + x]! > 127) for (let c = 0; c < 3; c++) holeValues[k++] = guide.data[(y * W + x) * 3 + c]!;
      }
    }
    const settings = { patchSize: 7, inradius: job.inradius, guideScale: 4 };

    const images = cropJobImages(image, mask, {}, job.context, SHARED_PLANES);
    const prepared = prepareJob(images, settings, true, SHARED_PLANES);
    const data = preparedJobData(prepared);
    const views = typedArraysIn(data);
    expect(views.length).toBeGreaterThan(10);
    for (const v of views) expect(isShared(v)).toBe(true);

    const received: PreparedJobData = await viaPort(data);
    // The same memory on both sides: a write through one view shows through the other.
    const before = data.levels[1]!.image[5]!;
    received.levels[1]!.image[5] = before ^ 0xff;
    expect(data.levels[1]!.image[5]).toBe(before ^ 0xff);
    received.levels[1]!.image[5] = before;

    const hooks = { checkpoint: () => {} };
    const seeds = [jobSeed(job, 4), jobSeed(job, 5)];
    const rebuilt = preparedJobFromData(received);
    for (const seed of seeds) {
      const shared = fillPreparedJob(rebuilt, { holeValues }, seed, 1, hooks);
      // Reference: a one-off fill on an ordinary crop, its maps built per level and dropped.
      const heapCrop = cropJobImages(image, mask, {}, job.context);
      const local = fillPreparedJob(prepareJob(heapCrop, settings, false), { holeValues }, seed, 1, hooks);
      expect(shared.holeValues.length).toBe(holeCount * 3);
      expect(Buffer.from(shared.holeValues).equals(Buffer.from(local.holeValues))).toBe(true);
    }
    // Filling never writes into the shared pyramid.
    const again = cropJobImages(image, mask, {}, job.context);
    expect(Buffer.from(received.levels[0]!.image).equals(Buffer.from(again.image))).toBe(true);
  });
});

describe('hole values', () => {
  it('a job returns its hole pixels in raster order and they paste back where they came from', () => {
    const W = 120, H = 90;
    const image = randomNoise(W, H, 4, 2);
    const mask = discMask(W, H, 40, 45, 12);
    const job = planFillJobs(mask, W, H, 5).jobs[0]!;
    const images = cropJobImages(image, mask, {}, job.context);
    const result = fillJob(images, { patchSize: 5, seed: 1, guideWeight: 0, inradius: job.inradius }, { checkpoint: () => {} });
    const n = countHolePixels(job, mask, W);
    expect(n).toBeGreaterThan(300);
    expect(result.holeValues.length).toBe(n * 4);
    const region = { x: 0, y: 0, width: W, height: H };
    const out = new Uint8Array(W * H * 4).fill(7);
    pasteHoleValues(result.holeValues, job, mask, W, 4, region, out);
    const expected = new Uint8Array(W * H * 4).fill(7);
    for (let i = 0, k = 0; i < W * H; i++) if (mask[i]! > 127) for (let c = 0; c < 4; c++) expected[i * 4 + c] = result.holeValues[k++]!;
    expect(Buffer.from(out).equals(Buffer.from(expected))).toBe(true);
    expect(() => pasteHoleValues(result.holeValues.subarray(4), job, mask, W, 4, region, out)).toThrow(/hole pixels/);
  });
});
