/**
 * Public types of the PatchMatch fill. Images are interleaved 8-bit with 3 or
 * 4 channels; masks are one byte per pixel, > 127 meaning "set".
 */

export interface PixelImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: number;
}

export interface PatchMatchOptions {
  /** Odd patch side in pixels, 3..31. Default 7. */
  patchSize?: number;
  /** uint32; the same seed gives a bit-identical result on the same machine. Default 0. */
  seed?: number;
  /** width*height, > 127 = never take source patches that touch this pixel. */
  exclusion?: Uint8Array;
  /**
   * Same size and channels as the image. Inside the hole its content steers
   * matching (an upsampled diffusion sample, a Telea fill, ...) and seeds the
   * coarsest level; outside the hole it is ignored.
   */
  guide?: PixelImage;
  /**
   * Full-resolution pixels per pixel of real detail in the guide (an
   * upsampled diffusion sample: crop ÷ working size). Given, the guided pass
   * starts at the pyramid level of that scale, with fewer iterations, since
   * the guide already holds the coarser structure. Needs a guide; >= 1.
   */
  guideScale?: number;
  /** Weight of the guide term relative to the texture term. Default 1 when a guide is given. */
  guideWeight?: number;
  /**
   * 16-bit version of the same pixels (width*height*channels). Matching runs on
   * the 8-bit data; the final vote also writes 16-bit values from it.
   */
  values16?: Uint16Array;
  /** Called with a fraction in [0, 1], monotonically. */
  onProgress?: (fraction: number) => void;
  /** Polled often; returning true aborts with StudioError('CANCELLED'). */
  shouldStop?: () => boolean;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface FillResult {
  /** Bounding box of the mask in image pixels. */
  region: Rect;
  /** region.width*region.height*channels; pixels outside the mask equal the source exactly. */
  data: Uint8Array;
  /** Present when values16 was given; same layout as data. */
  data16?: Uint16Array;
}

export const DEFAULT_PATCH_SIZE = 7;
