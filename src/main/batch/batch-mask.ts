/**
 * Masks for batch jobs. A shared dust/watermark mask is drawn on the sensor's
 * pixel grid, so it is applied before EXIF rotation: it is scaled to the
 * stored (unrotated) size, then turned with the frame's orientation. When the
 * mask's aspect ratio differs from a frame's by more than 1 %, the rule is
 * explicit: `fail` (default: a misplaced fill is worse than a skipped frame),
 * `stretch`, or `cover` (scale to cover, centre-crop).
 */
import sharp from 'sharp';
import { StudioError } from '../../shared/errors';
import { maskLevels } from '../pipeline/mask-input';

export type MaskFit = 'fail' | 'stretch' | 'cover';

export interface SizedMask { readonly data: Uint8Array; readonly width: number; readonly height: number }

/** Stored-pixel coordinates of display pixel (dx, dy) for EXIF orientation 1..8 of a stored w×h image. */
function storedOf(o: number, dx: number, dy: number, w: number, h: number): [number, number] {
  switch (o) {
    case 2: return [w - 1 - dx, dy];
    case 3: return [w - 1 - dx, h - 1 - dy];
    case 4: return [dx, h - 1 - dy];
    case 5: return [dy, dx];
    case 6: return [dy, h - 1 - dx];
    case 7: return [w - 1 - dy, h - 1 - dx];
    case 8: return [w - 1 - dy, dx];
    default: return [dx, dy];
  }
}

/** Turns a mask on the stored grid into display orientation, as the photo's pixels were. */
export function orientMask(mask: SizedMask, orientation: number): SizedMask {
  const { width: w, height: h } = mask;
  const swap = orientation >= 5 && orientation <= 8;
  const dw = swap ? h : w, dh = swap ? w : h;
  const out = new Uint8Array(dw * dh);
  for (let dy = 0; dy < dh; dy++) for (let dx = 0; dx < dw; dx++) {
    const [sx, sy] = storedOf(orientation, dx, dy, w, h);
    out[dy * dw + dx] = mask.data[sy * w + sx]!;
  }
  return { data: out, width: dw, height: dh };
}

function ratioText(w: number, h: number): string {
  const g = (a: number, b: number): number => (b === 0 ? a : g(b, a % b));
  const d = g(w, h);
  return `${w / d}:${h / d} (${w}×${h})`;
}

/** Scales a mask to w×h under the fit rule; white (> 127) stays fill after area resampling. */
export async function fitMask(mask: SizedMask, width: number, height: number, fit: MaskFit): Promise<SizedMask> {
  if (mask.width === width && mask.height === height) return mask;
  const a = mask.width / mask.height, b = width / height;
  const mismatch = Math.abs(a - b) / b > 0.01;
  if (mismatch && fit === 'fail') {
    throw new StudioError('MASK_SIZE_MISMATCH', `the mask's aspect ${ratioText(mask.width, mask.height)} differs from the photo's ${ratioText(width, height)}; to apply it anyway, choose to stretch the mask or to scale and centre-crop it (mask fit stretch or cover; --mask-fit on the command line)`);
  }
  const resized = await sharp(mask.data, { raw: { width: mask.width, height: mask.height, channels: 1 } })
    .resize(width, height, { fit: mismatch && fit === 'cover' ? 'cover' : 'fill', position: 'centre', kernel: 'cubic' })
    .extractChannel(0).raw().toBuffer();
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) data[i] = resized[i]! > 127 ? 255 : 0;
  return { data, width, height };
}

/** Reads a mask file into one byte per pixel, 255 = fill (maskLevels, thresholded). */
export async function readMaskFile(bytes: Uint8Array, what: string): Promise<SizedMask> {
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, failOn: 'truncated' }).toColourspace('srgb').ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const out = maskLevels(data, info.width * info.height);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! > 0 ? 255 : 0;
    return { data: out, width: info.width, height: info.height };
  } catch (err) {
    throw new StudioError('BAD_MASK', `${what} could not be read as a mask: ${(err as Error).message.split('\n')[0]}`);
  }
}
