/**
 * The PatchMatch fill: plans independent jobs (one per group of nearby holes,
 * each on a context crop), fills them one after another and assembles the
 * mask's bounding box. runPatchMatchInWorker spreads the same jobs over
 * worker threads.
 */
import { StudioError } from '../../../shared/errors';
import { fillJob, type JobSettings } from './fillJob';
import { cropInterleaved, cropJobImages, pasteJobResult } from './jobCrops';
import { GUIDED_MARGIN_RADII, planFillJobs, UNGUIDED_MARGIN_RADII, type FillJob } from './planFillJobs';
import { deriveSeed } from './random';
import type { FillResult, PatchMatchOptions, PixelImage } from './types';
import { validateInputs, type ResolvedSettings } from './validateInputs';

export function patchMatchFill(image: PixelImage, mask: Uint8Array, options: PatchMatchOptions = {}): FillResult {
  const settings = validateInputs(image, mask, options);
  const checkpoint = cancellationCheckpoint(options.shouldStop);
  checkpoint();
  const plan = planFillJobs(mask, image.width, image.height, settings.patchSize, options.exclusion, options.guide ? GUIDED_MARGIN_RADII : UNGUIDED_MARGIN_RADII);
  const result = emptyResult(image, plan.maskBox, options.values16);
  const totalArea = plan.jobs.reduce((sum, j) => sum + j.holeArea, 0);
  let doneArea = 0;
  for (const job of plan.jobs) {
    const input = cropJobImages(image, mask, options, job.context);
    const filled = fillJob(input, jobSettings(job, settings), {
      checkpoint,
      onProgress: options.onProgress
        ? (f) => options.onProgress!((doneArea + f * job.holeArea) / totalArea)
        : undefined,
    });
    doneArea += job.holeArea;
    pasteJobResult(result, job, filled, mask, image);
  }
  return result;
}

export function jobSettings(job: FillJob, settings: ResolvedSettings): JobSettings {
  return {
    patchSize: settings.patchSize,
    guideWeight: settings.guideWeight,
    inradius: job.inradius,
    seed: jobSeed(job, settings.seed),
    ...(settings.guideScale !== undefined ? { guideScale: settings.guideScale } : {}),
  };
}

/** Derived from the job's place, so the result does not depend on which worker runs it. */
export function jobSeed(job: FillJob, seed: number): number {
  return deriveSeed(seed, job.context.x, job.context.y, job.context.width, job.context.height);
}

/** The mask's bounding box, pre-filled with the source pixels. */
export function emptyResult(
  image: PixelImage,
  region: FillResult['region'],
  values16: Uint16Array | undefined,
): FillResult {
  const size = region.width * region.height * image.channels;
  const data = cropInterleaved(image.data, image.width, image.channels, region, new Uint8Array(size));
  if (!values16) return { region, data };
  return { region, data, data16: cropInterleaved(values16, image.width, image.channels, region, new Uint16Array(size)) };
}

export function cancellationCheckpoint(shouldStop: (() => boolean) | undefined): () => void {
  if (!shouldStop) return () => {};
  return () => {
    if (shouldStop()) throw new StudioError('CANCELLED', 'the PatchMatch fill was cancelled');
  };
}
