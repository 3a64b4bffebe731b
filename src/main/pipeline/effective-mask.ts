/**
 * The effective mask (after grow) and the blend weights (feather, soft-brush
 * levels), computed only where they can differ from zero: the mask's bounds
 * widened by the grow radius plus one pixel. Grow and feather are exact
 * distance transforms, so this equals the whole-frame computation — a pixel
 * farther than the radius from every mask pixel cannot join the mask, and the
 * one-pixel ring of outside pixels that feathering measures from lies inside
 * the window wherever the window does not stop at the frame (where the frame
 * edge does not count as outside in either case). A dust spot on 24 MP then
 * costs a few thousand pixels of work instead of two whole-frame transforms.
 */
import { binarizeMask, featherWeights, growSoftMask, isHardMask, maskBounds, type MaskBounds } from '../../shared/mask-ops';

export interface EffectiveMask {
  /** Binary (0/255), full frame. */
  readonly effective: Uint8Array;
  /** Blend weights 0..1 over `region` only (region.width × region.height; zero outside `effective`, and so outside the region). */
  readonly weights: Float32Array;
  /** Bounds of `effective`. */
  readonly region: MaskBounds;
}

/** Bounds of the mask pixels inside `box` (which must hold them all), found without scanning the rest of the frame. */
function boundsWithin(mask: Uint8Array, width: number, box: MaskBounds): MaskBounds | null {
  const sub = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y++) sub.set(mask.subarray((box.y + y) * width + box.x, (box.y + y) * width + box.x + box.width), y * box.width);
  const inner = maskBounds(sub, box.width, box.height);
  return inner && { x: box.x + inner.x, y: box.y + inner.y, width: inner.width, height: inner.height };
}

/**
 * `within`: a box known to hold every mask pixel (> 127), such as the box a
 * mask region was sent with; it only saves scanning the whole frame for the
 * mask's bounds and never changes the result.
 */
export function effectiveMask(mask: Uint8Array, width: number, height: number, grow: number, feather: number, within?: MaskBounds): EffectiveMask | null {
  if (within && (within.x < 0 || within.y < 0 || within.x + within.width > width || within.y + within.height > height)) {
    throw new Error(`mask box ${within.width}×${within.height} at ${within.x},${within.y} lies outside the ${width}×${height} frame`);
  }
  const bounds = within ? boundsWithin(mask, width, within) : maskBounds(mask, width, height);
  if (!bounds) return null;
  const pad = Math.ceil(Math.max(0, grow)) + 1;
  const x0 = Math.max(0, bounds.x - pad), y0 = Math.max(0, bounds.y - pad);
  const x1 = Math.min(width, bounds.x + bounds.width + pad), y1 = Math.min(height, bounds.y + bounds.height + pad);
  const ww = x1 - x0, wh = y1 - y0;
  const sub = new Uint8Array(ww * wh);
  for (let y = 0; y < wh; y++) sub.set(mask.subarray((y0 + y) * width + x0, (y0 + y) * width + x1), y * ww);
  // A soft mask (a soft brush's edge) keeps its levels through grow; they cap the blend weights.
  const soft = growSoftMask(sub, ww, wh, grow);
  const effSub = isHardMask(soft) ? soft : binarizeMask(soft);
  const weightSub = featherWeights(soft, ww, wh, feather);
  const inner = maskBounds(effSub, ww, wh);
  if (!inner) return null;
  const effective = new Uint8Array(width * height);
  for (let y = 0; y < wh; y++) effective.set(effSub.subarray(y * ww, (y + 1) * ww), (y0 + y) * width + x0);
  // Region-sized weights: a whole-frame Float32 map is 96 MB on 24 MP.
  const weights = new Float32Array(inner.width * inner.height);
  for (let y = 0; y < inner.height; y++) {
    const from = (inner.y + y) * ww + inner.x;
    weights.set(weightSub.subarray(from, from + inner.width), y * inner.width);
  }
  return { effective, weights, region: { x: x0 + inner.x, y: y0 + inner.y, width: inner.width, height: inner.height } };
}

/**
 * The mask after grow (binary, full frame) and how many pixels it holds, for
 * time estimates: the same pixels as growing the whole frame, computed around
 * the mask only. Null for an empty mask.
 */
export function grownHole(mask: Uint8Array, width: number, height: number, grow: number, within?: MaskBounds): { mask: Uint8Array; pixels: number } | null {
  const m = effectiveMask(mask, width, height, grow, 0, within);
  if (!m) return null;
  const { effective, region } = m;
  let pixels = 0;
  for (let y = region.y; y < region.y + region.height; y++) {
    for (let i = y * width + region.x, end = i + region.width; i < end; i++) if (effective[i]! > 127) pixels++;
  }
  return { mask: effective, pixels };
}
