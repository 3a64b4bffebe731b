/**
 * Per-pixel change heatmap, as in the seed thesis (which whitened the mask and
 * plotted pixel-wise squared error): here the mask is drawn flat grey so only
 * change OUTSIDE it shows. Unchanged pixels are black; any change, even one
 * level, is visible: the largest channel difference d (1..255) is mapped on a
 * log scale onto an inferno-like ramp, so d = 1 is dark violet and d = 255
 * pale yellow.
 */
import type { Rgb8 } from './fidelity';

const MASK_GREY = 96;

/** Colour stops (t, r, g, b) of an inferno-like ramp. */
const RAMP: readonly (readonly [number, number, number, number])[] = [
  [0, 60, 15, 110], [0.25, 120, 28, 109], [0.5, 200, 60, 80], [0.75, 248, 140, 20], [1, 252, 255, 164],
];

export function rampColour(t: number): [number, number, number] {
  const u = Math.max(0, Math.min(1, t));
  for (let i = 1; i < RAMP.length; i++) {
    const [t1, r1, g1, b1] = RAMP[i]!;
    const [t0, r0, g0, b0] = RAMP[i - 1]!;
    if (u <= t1) {
      const f = (u - t0) / (t1 - t0);
      return [Math.round(r0 + f * (r1 - r0)), Math.round(g0 + f * (g1 - g0)), Math.round(b0 + f * (b1 - b0))];
    }
  }
  const last = RAMP[RAMP.length - 1]!;
  return [last[1], last[2], last[3]];
}

export function outsideChangeHeatmap(original: Rgb8, result: Rgb8, mask: Uint8Array): Rgb8 {
  if (original.data.length !== result.data.length || mask.length !== original.width * original.height) {
    throw new Error('heatmap: image and mask sizes differ');
  }
  const out = new Uint8Array(original.data.length);
  for (let p = 0; p < mask.length; p++) {
    if (mask[p]! > 127) {
      out[p * 3] = out[p * 3 + 1] = out[p * 3 + 2] = MASK_GREY;
      continue;
    }
    let d = 0;
    for (let c = 0; c < 3; c++) d = Math.max(d, Math.abs(original.data[p * 3 + c]! - result.data[p * 3 + c]!));
    if (d === 0) continue;
    const [r, g, b] = rampColour(Math.log(d) / Math.log(255));
    out[p * 3] = r; out[p * 3 + 1] = g; out[p * 3 + 2] = b;
  }
  return { width: original.width, height: original.height, data: out };
}
