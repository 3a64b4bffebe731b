/**
 * Compositing of fills into the photo. Only pixels with a non-zero feather
 * weight (i.e. inside the effective mask) can change; with feather 0 every
 * other pixel is copied, byte for byte.
 */
import type { MaskBounds } from '../../shared/mask-ops';
import type { RawImage } from './io';

/** Copies a rectangle out of an image. */
export function cropImage(image: RawImage, r: MaskBounds): RawImage {
  const { channels } = image;
  const data = image.depth === 16 ? new Uint16Array(r.width * r.height * channels) : new Uint8Array(r.width * r.height * channels);
  for (let y = 0; y < r.height; y++) {
    const from = ((r.y + y) * image.width + r.x) * channels;
    data.set(image.data.subarray(from, from + r.width * channels), y * r.width * channels);
  }
  return { width: r.width, height: r.height, channels, depth: image.depth, data };
}

/** Writes `patch` into `image` at (x, y), in place. */
export function pasteImage(image: RawImage, patch: RawImage, x: number, y: number): void {
  if (patch.channels !== image.channels || patch.depth !== image.depth) {
    throw new Error(`patch ${patch.channels}ch/${patch.depth}bit does not match image ${image.channels}ch/${image.depth}bit`);
  }
  if (x < 0 || y < 0 || x + patch.width > image.width || y + patch.height > image.height) {
    throw new Error(`patch ${patch.width}x${patch.height} at ${x},${y} lies outside the ${image.width}x${image.height} image`);
  }
  const c = image.channels;
  for (let row = 0; row < patch.height; row++) {
    const src = row * patch.width * c;
    (image.data as Uint8Array).set((patch.data as Uint8Array).subarray(src, src + patch.width * c), ((y + row) * image.width + x) * c);
  }
}

/**
 * Blends `fill` (pixels of the region `r`, same layout as `base`) over the
 * base image inside `r`, weighted per pixel by `weights` (r.width × r.height,
 * 0..1). Returns the blended region as a new image; weight 0 copies base.
 */
export function blendRegion(base: RawImage, fill: RawImage, r: MaskBounds, weights: Float32Array): RawImage {
  if (fill.width !== r.width || fill.height !== r.height || fill.channels !== base.channels || fill.depth !== base.depth) {
    throw new Error(`fill ${fill.width}x${fill.height}x${fill.channels}/${fill.depth} does not match region ${r.width}x${r.height}x${base.channels}/${base.depth}`);
  }
  if (weights.length !== r.width * r.height) throw new Error(`weights hold ${weights.length} values, the region ${r.width * r.height}`);
  const out = cropImage(base, r);
  const c = base.channels;
  const o = out.data;
  const f = fill.data;
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const w = weights[y * r.width + x]!;
      if (w === 0) continue;
      const i = (y * r.width + x) * c;
      if (w === 1) {
        for (let k = 0; k < c; k++) o[i + k] = f[i + k]!;
      } else {
        for (let k = 0; k < c; k++) o[i + k] = Math.round(o[i + k]! + w * (f[i + k]! - o[i + k]!));
      }
    }
  }
  return out;
}
