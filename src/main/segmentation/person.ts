/**
 * Person segmentation on a detection's crop, pure parts: the crop is padded
 * to a square (the selfie model is square and was trained on undistorted
 * people), scaled to the network input as NHWC RGB in [0, 1]; the output
 * probability map is cut back to the crop.
 */
import type { FloatMap, RgbImage } from './image';
import { resizeRgb } from './image';

export interface SquarePad {
  readonly side: number;
  readonly offX: number;
  readonly offY: number;
}

/** NHWC float input [1, size, size, 3] for a crop, padded to a square by replicating its edges. */
export function personInputTensor(crop: RgbImage, size: number): { tensor: Float32Array; pad: SquarePad } {
  const side = Math.max(crop.width, crop.height);
  const offX = Math.floor((side - crop.width) / 2), offY = Math.floor((side - crop.height) / 2);
  const square = new Uint8Array(side * side * 3);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(crop.height - 1, Math.max(0, y - offY));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(crop.width - 1, Math.max(0, x - offX));
      const s = (sy * crop.width + sx) * 3, d = (y * side + x) * 3;
      square[d] = crop.data[s]!; square[d + 1] = crop.data[s + 1]!; square[d + 2] = crop.data[s + 2]!;
    }
  }
  const small = resizeRgb({ width: side, height: side, data: square }, size, size);
  const tensor = new Float32Array(size * size * 3);
  for (let i = 0; i < tensor.length; i++) tensor[i] = small.data[i]! / 255;
  return { tensor, pad: { side, offX, offY } };
}

/** The network's [size, size] probability map cut back to the crop's area, at `outW` x `outH`. */
export function personProbabilityForCrop(prob: Float32Array, size: number, pad: SquarePad, cropW: number, cropH: number, outW: number, outH: number): FloatMap {
  // Resample only the crop's rectangle of the network map: scaling the whole square to the padded
  // side first would waste memory on big crops.
  const scale = size / pad.side;
  const x0 = pad.offX * scale, y0 = pad.offY * scale;
  const w = cropW * scale, h = cropH * scale;
  const out = new Float32Array(outW * outH);
  const full: FloatMap = { width: size, height: size, data: prob };
  // Sample with half-pixel centres in network coordinates.
  for (let y = 0; y < outH; y++) {
    const fy = Math.max(0, Math.min(size - 1, y0 + ((y + 0.5) / outH) * h - 0.5));
    const r0 = Math.floor(fy), r1 = Math.min(size - 1, r0 + 1), wy = fy - r0;
    for (let x = 0; x < outW; x++) {
      const fx = Math.max(0, Math.min(size - 1, x0 + ((x + 0.5) / outW) * w - 0.5));
      const c0 = Math.floor(fx), c1 = Math.min(size - 1, c0 + 1), wx = fx - c0;
      const top = full.data[r0 * size + c0]! * (1 - wx) + full.data[r0 * size + c1]! * wx;
      const bot = full.data[r1 * size + c0]! * (1 - wx) + full.data[r1 * size + c1]! * wx;
      out[y * outW + x] = top * (1 - wy) + bot * wy;
    }
  }
  return { width: outW, height: outH, data: out };
}
