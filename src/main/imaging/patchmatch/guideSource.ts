/**
 * What the guide term of a guided fill compares the guide with.
 *
 * A guide upsampled from a diffusion sample holds detail only above its own
 * scale (guideScale full-resolution pixels per sample pixel). Compared with
 * the photo's full-resolution patches, every bit of grain in a source counts
 * against it, so the search settles on smooth, out-of-focus patches and the
 * fill loses the photo's texture (eval: HF ratio 0.10 against the
 * original's 1.09). The guide term therefore compares low frequencies on
 * both sides: the photo low-passed to the guide's scale (a box mean over
 * the known pixels) for sources and for the known part of each target, the
 * guide itself inside the hole. The texture term still compares
 * full-resolution patches, so grain is chosen by coherence with the
 * surroundings, not penalised. A third term compares texture energy
 * (textureEnergy), because in plain L2 a flat patch is nearer to any grainy
 * estimate than another patch of the same grain is.
 */
import { onionPeelFill } from './initialiseHole';
import { HEAP_PLANES, type PlaneAllocator } from './planes';

/**
 * Box radius (full-resolution pixels) whose mean smooths like the bilinear
 * upsampling of a guide at `guideScale` pixels per guide pixel: the box's
 * variance R(R+1)/3 matches the tent's s²/6, so R = (√(1 + 2s²) − 1) / 2,
 * rounded. 0: the guide is sharp enough to compare as it is.
 */
export function guideSourceRadius(guideScale: number): number {
  return Math.max(0, Math.round((Math.sqrt(1 + 2 * guideScale * guideScale) - 1) / 2));
}

/**
 * Per pixel, the rounded mean of the known pixels (hole = 0; every pixel
 * with hole null) in the (2·radius+1)² box around it, clipped at the
 * borders; a pixel whose box holds no known pixel keeps its own value. Integer sums, exact: a running
 * sum along each row, then a running sum of those row sums down each
 * column over a ring of 2·radius+1 rows.
 */
export function maskedBoxMean(
  image: Uint8Array, hole: Uint8Array | null, width: number, height: number, channels: number, radius: number,
  planes: PlaneAllocator = HEAP_PLANES,
): Uint8Array {
  const out = planes.uint8(width * height * channels);
  if (radius <= 0) {
    out.set(image);
    return out;
  }
  const K = channels + 1; // the channels' sums, then the known-pixel count
  const span = 2 * radius + 1;
  const ring = new Int32Array(span * width * K);
  const column = new Int32Array(width * K);
  const run = new Int32Array(K);
  for (let y = 0; y < height + radius; y++) {
    const slot = (y % span) * width * K;
    // The row sums leaving the column window are those stored in this slot span rows ago.
    if (y >= span) for (let i = 0; i < width * K; i++) column[i]! -= ring[slot + i]!;
    if (y < height) {
      run.fill(0);
      const row = y * width;
      // Running sum over x - radius .. x + radius: add the pixel entering on the right, drop the one leaving on the left.
      for (let x = -radius; x < width; x++) {
        const enter = x + radius;
        if (enter < width && (hole === null || hole[row + enter] === 0)) {
          const p = (row + enter) * channels;
          for (let c = 0; c < channels; c++) run[c]! += image[p + c]!;
          run[channels]! += 1;
        }
        const leave = x - radius - 1;
        if (leave >= 0 && (hole === null || hole[row + leave] === 0)) {
          const p = (row + leave) * channels;
          for (let c = 0; c < channels; c++) run[c]! -= image[p + c]!;
          run[channels]! -= 1;
        }
        if (x < 0) continue;
        const o = slot + x * K;
        for (let k = 0; k < K; k++) {
          ring[o + k] = run[k]!;
          column[x * K + k]! += run[k]!;
        }
      }
    } else {
      ring.fill(0, slot, slot + width * K);
    }
    const yo = y - radius;
    if (yo < 0) continue;
    for (let x = 0; x < width; x++) {
      const n = column[x * K + channels]!;
      const p = (yo * width + x) * channels;
      if (n === 0) {
        for (let c = 0; c < channels; c++) out[p + c] = image[p + c]!;
      } else {
        for (let c = 0; c < channels; c++) out[p + c] = Math.floor((2 * column[x * K + c]! + n) / (2 * n));
      }
    }
  }
  return out;
}

/**
 * Weight of the texture-energy term against the colour terms, per pixel: a
 * difference of d energy levels costs like a colour difference of 2d on
 * each of three channels. Measured on the 18-case eval (docs/eval.md); 3
 * and 12 gave the same fill on the synthetic grain test.
 */
export const TEXTURE_WEIGHT = 12;

/**
 * Per pixel, how much fine detail the photo has around it: the mean
 * absolute forward difference across and down, over the channels, averaged
 * over the known pixels of a 5x5 box and capped at 255. Inside the hole the
 * values come in from the boundary (onion peel), so a target asks for the
 * detail of its surroundings. Computed at full resolution and only then
 * downsampled, so even the coarsest level can tell grain (wood, sand,
 * sensor noise) from an out-of-focus area of the same colour, which the
 * colour terms there cannot.
 */
export function textureEnergy(
  image: Uint8Array, hole: Uint8Array, width: number, height: number, channels: number,
  planes: PlaneAllocator = HEAP_PLANES,
): Uint8Array {
  const raw = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (hole[i]) continue;
      let sum = 0;
      const right = x + 1 < width && !hole[i + 1], down = y + 1 < height && !hole[i + width];
      for (let c = 0; c < channels; c++) {
        const v = image[i * channels + c]!;
        if (right) sum += Math.abs(image[(i + 1) * channels + c]! - v);
        if (down) sum += Math.abs(image[(i + width) * channels + c]! - v);
      }
      raw[i] = Math.min(255, Math.round(sum / channels));
    }
  }
  const energy = maskedBoxMean(raw, hole, width, height, 1, 2, planes);
  onionPeelFill(energy, hole, width, height, 1);
  return energy;
}
