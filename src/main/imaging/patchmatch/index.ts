export { patchMatchFill } from './patchMatchFill';
export { runPatchMatchInWorker, type WorkerFillOptions } from './worker-client';
export type { FillResult, PatchMatchOptions, PixelImage, Rect } from './types';
export { runGuidedPatchMatchBatch, type GuidedBatchOptions } from './guided-batch';
