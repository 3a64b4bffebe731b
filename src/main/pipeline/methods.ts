/**
 * Fill methods behind one signature. Each returns the pixels of `region`
 * with the hole filled; the caller blends them in.
 */
import type { FillMethod, InpaintParams } from '../../shared/api';
import { StudioError } from '../../shared/errors';
import type { MaskBounds } from '../../shared/mask-ops';
import type { RawImage } from '../imaging/io';
import { runPatchMatchInWorker } from '../imaging/patchmatch/worker-client';

export interface FillRequest {
  readonly image: RawImage;
  /** 8-bit view of `image` (the same buffer when the image is 8-bit). */
  readonly eight: Uint8Array;
  readonly mask: Uint8Array;
  readonly region: MaskBounds;
  readonly seed: number;
  readonly params: InpaintParams;
  readonly signal?: AbortSignal;
  readonly onProgress: (fraction: number) => void;
}

export const AVAILABLE_METHODS: readonly FillMethod[] = ['patchmatch'];

async function fillWithPatchMatch(req: FillRequest): Promise<RawImage> {
  const { image, region } = req;
  const result = await runPatchMatchInWorker(
    { data: req.eight, width: image.width, height: image.height, channels: image.channels },
    req.mask,
    {
      seed: req.seed,
      ...(image.depth === 16 ? { values16: image.data as Uint16Array } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
      onProgress: req.onProgress,
    },
  );
  const r = result.region;
  if (r.x !== region.x || r.y !== region.y || r.width !== region.width || r.height !== region.height) {
    throw new Error(`PatchMatch returned region ${JSON.stringify(r)}, expected ${JSON.stringify(region)}`);
  }
  if (image.depth === 16) {
    if (!result.data16) throw new Error('PatchMatch returned no 16-bit data for a 16-bit image');
    return { width: r.width, height: r.height, channels: image.channels, depth: 16, data: result.data16 };
  }
  return { width: r.width, height: r.height, channels: image.channels, depth: 8, data: result.data };
}

export async function fillRegion(method: FillMethod, req: FillRequest): Promise<RawImage> {
  switch (method) {
    case 'patchmatch':
      return fillWithPatchMatch(req);
    case 'diffusion':
      throw new StudioError('NOT_AVAILABLE', 'diffusion fills need a photo model, which is not installed yet; use PatchMatch');
  }
}
