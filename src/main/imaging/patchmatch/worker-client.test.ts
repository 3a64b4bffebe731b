import { build } from 'esbuild';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/errors';
import { packageRoot, workerScriptPath } from '../../workers/paths';
import { patchMatchFill } from './patchMatchFill';
import { applyFill, discMask, errorInsideMask, randomNoise, tiledRandomTexture } from './testImages';
import { runPatchMatchInWorker } from './worker-client';

// Build the real worker bundle (same options as scripts/build.mjs) so this
// test exercises dist/main/workers/patchmatch.cjs and can never skip silently.
// Written to a temporary name and renamed, so a test in another process that
// is starting this worker never reads a half-written file.
beforeAll(async () => {
  const root = packageRoot();
  const outdir = path.join(root, 'dist', 'main', 'workers');
  const built = await build({
    absWorkingDir: root,
    entryPoints: ['src/main/imaging/patchmatch/patchmatch.worker.ts'],
    outfile: path.join(outdir, 'patchmatch.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    external: ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node'],
    logLevel: 'warning',
    write: false,
  });
  mkdirSync(outdir, { recursive: true });
  for (const file of built.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
  expect(workerScriptPath('patchmatch')).toBe(path.join(outdir, 'patchmatch.cjs'));
});

function threeHoles(w: number, h: number): Uint8Array {
  const mask = new Uint8Array(w * h);
  for (const [cx, cy, r] of [[50, 50, 14], [250, 60, 10], [150, 160, 18]] as const) {
    const disc = discMask(w, h, cx, cy, r);
    for (let i = 0; i < mask.length; i++) if (disc[i]) mask[i] = 255;
  }
  return mask;
}

async function rejection(promise: Promise<unknown>): Promise<StudioError> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(StudioError);
    return e as StudioError;
  }
  throw new Error('expected the promise to reject');
}

describe('runPatchMatchInWorker', () => {
  it('fills in worker threads with the same bits as the in-process fill, reporting progress', async () => {
    const w = 300, h = 200;
    const image = tiledRandomTexture(w, h, 12, 3, 31);
    const mask = threeHoles(w, h);
    const seen: number[] = [];
    const viaWorkers = await runPatchMatchInWorker(image, mask, { seed: 77, workerCount: 2, onProgress: (f) => seen.push(f) });
    const inProcess = patchMatchFill(image, mask, { seed: 77 });
    expect(viaWorkers.region).toEqual(inProcess.region);
    expect(Buffer.from(viaWorkers.data).equals(Buffer.from(inProcess.data))).toBe(true);
    // Against the ground truth too, not only against ourselves (bound as in patchMatchFill.test.ts).
    const err = errorInsideMask(applyFill(image, viaWorkers.region, viaWorkers.data), image, mask);
    expect(err.mean).toBeLessThan(0.5);
    expect(seen.length).toBeGreaterThan(2);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeGreaterThan(seen[i - 1]!);
    expect(seen[seen.length - 1]).toBe(1);
    // The caller's buffers are not detached by the transfer.
    expect(image.data.length).toBe(w * h * 3);
  });

  it('returns 16-bit data and keeps the caller-visible result independent of the pool size', async () => {
    const w = 200, h = 150;
    const image = randomNoise(w, h, 4, 3);
    const values16 = new Uint16Array(w * h * 4);
    for (let i = 0; i < values16.length; i++) values16[i] = image.data[i]! * 257;
    const mask = discMask(w, h, 50, 45, 16);
    const second = discMask(w, h, 160, 110, 12);
    for (let i = 0; i < mask.length; i++) if (second[i]) mask[i] = 255;
    const one = await runPatchMatchInWorker(image, mask, { seed: 5, values16, workerCount: 1 });
    const two = await runPatchMatchInWorker(image, mask, { seed: 5, values16, workerCount: 2 });
    expect(one.data16).toBeInstanceOf(Uint16Array);
    expect(Buffer.from(one.data16!.buffer).equals(Buffer.from(two.data16!.buffer))).toBe(true);
    // values16 = 257 * v: the 16-bit result of the same field is 257 times the 8-bit one, up to
    // rounding of the vote and of the boundary offset (one 8-bit level).
    for (let i = 0; i < one.data.length; i++) expect(Math.abs(one.data16![i]! - 257 * one.data[i]!)).toBeLessThanOrEqual(257);
  });

  it('terminates the workers and rejects with CANCELLED when aborted mid-fill', async () => {
    const w = 900, h = 700;
    const image = randomNoise(w, h, 3, 9);
    const mask = discMask(w, h, 450, 350, 200);
    const controller = new AbortController();
    const progressAfterAbort: number[] = [];
    const promise = runPatchMatchInWorker(image, mask, {
      signal: controller.signal,
      onProgress: (f) => {
        if (controller.signal.aborted) progressAfterAbort.push(f);
        else if (f > 0) controller.abort();
      },
    });
    const error = await rejection(promise);
    expect(error.code).toBe('CANCELLED');
    await new Promise((r) => setTimeout(r, 50));
    expect(progressAfterAbort).toEqual([]);
  });

  it('rejects an already-aborted request and bad inputs with clear errors', async () => {
    const image = randomNoise(40, 30, 3, 1);
    const mask = discMask(40, 30, 20, 15, 5);
    const controller = new AbortController();
    controller.abort();
    expect((await rejection(runPatchMatchInWorker(image, mask, { signal: controller.signal }))).code).toBe('CANCELLED');
    expect((await rejection(runPatchMatchInWorker(image, new Uint8Array(7)))).code).toBe('MASK_SIZE_MISMATCH');
    expect((await rejection(runPatchMatchInWorker(image, new Uint8Array(40 * 30)))).code).toBe('MASK_EMPTY');
    const gray = { data: new Uint8Array(40 * 30), width: 40, height: 30, channels: 1 };
    expect((await rejection(runPatchMatchInWorker(gray, mask))).code).toBe('UNSUPPORTED_FORMAT');
  });
});
