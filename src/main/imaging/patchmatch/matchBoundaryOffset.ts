/**
 * Colour adaptation at the hole's edge. Copied patches carry their own
 * brightness: in a sky with a 2-D gradient, or under vignetting, no source
 * patch has exactly the right level and the hole's outline shows. Here the
 * patches' own prediction of the known pixels just outside the hole is
 * compared with those pixels; the difference, a smooth offset, is spread
 * over the hole as a membrane (Laplace's equation with that boundary) and
 * added, in the spirit of Poisson image editing. Where the fill already
 * matches its surroundings (a repeating texture) the offset is zero.
 *
 * Only small offsets are corrected: a large one means the patches disagree
 * with the boundary on purpose (a guide asked for different content) or on
 * structure, and spreading it would tint the whole fill. Excluded pixels
 * never lend their colour either.
 */
import type { NearestNeighbourField, SearchLevel } from './nearestNeighbourField';

/** The membrane is solved on a grid this many cells across the hole's thickness, then interpolated. */
const MEMBRANE_CELLS_PER_INRADIUS = 16;
const MAX_SWEEPS = 400;
const OVER_RELAXATION = 1.85;
/** Largest per-channel boundary offset (in 8-bit levels) treated as shading rather than content. */
const MAX_OFFSET_LEVELS = 12;

export function matchBoundaryOffset<T extends Uint8Array | Uint16Array>(
  level: SearchLevel,
  field: NearestNeighbourField,
  weights: Float64Array,
  image: T,
  maxValue: number,
  inradius: number,
  exclusion: Uint8Array | null,
): void {
  const { width, height, channels: C, hole, targets, r } = level;
  const maxOffset = (MAX_OFFSET_LEVELS * maxValue) / 255;
  const cell = Math.max(1, 2 ** Math.ceil(Math.log2(Math.max(1, inradius) / MEMBRANE_CELLS_PER_INRADIUS)));
  const gw = Math.ceil(width / cell), gh = Math.ceil(height / cell);
  const sums = new Float64Array(gw * gh * C);
  const counts = new Float64Array(gw * gh);
  const unknown = new Uint8Array(gw * gh);
  const vote = new Float64Array(C);
  // Boundary values: known pixels touching the hole, offset = actual - what the patches predict there.
  for (let k = 0; k < targets.pixel.length; k++) {
    const p = targets.pixel[k]!;
    const x = targets.x[k]!, y = targets.y[k]!;
    const g = ((y / cell) | 0) * gw + ((x / cell) | 0);
    if (hole[p]) {
      unknown[g] = 1;
      continue;
    }
    if ((exclusion && exclusion[p]) || !touchesHole(hole, x, y, width, height)) continue;
    vote.fill(0);
    let wsum = 0;
    for (let dy = Math.max(-r, y - (height - 1)); dy <= Math.min(r, y); dy++) {
      for (let dx = Math.max(-r, x - (width - 1)); dx <= Math.min(r, x); dx++) {
        const t = targets.indexOf[p - dy * width - dx]!;
        if (t < 0) continue;
        const w = weights[t]!;
        const s = (field.source[t]! + dy * width + dx) * C;
        for (let c = 0; c < C; c++) vote[c]! += w * image[s + c]!;
        wsum += w;
      }
    }
    if (!(wsum > 0)) continue;
    let small = true;
    for (let c = 0; c < C; c++) {
      vote[c] = image[p * C + c]! - vote[c]! / wsum;
      if (Math.abs(vote[c]!) > maxOffset) small = false;
    }
    if (!small) continue;
    for (let c = 0; c < C; c++) sums[g * C + c]! += vote[c]!;
    counts[g]!++;
  }
  // Cells holding boundary pixels are fixed; cells holding only hole pixels are solved for.
  const solution = new Float64Array(gw * gh * C);
  let fixedCount = 0;
  const mean = new Float64Array(C);
  for (let g = 0; g < gw * gh; g++) {
    if (counts[g]! > 0) {
      unknown[g] = 0;
      fixedCount++;
      for (let c = 0; c < C; c++) {
        solution[g * C + c] = sums[g * C + c]! / counts[g]!;
        mean[c]! += solution[g * C + c]!;
      }
    }
  }
  if (fixedCount === 0) return;
  for (let g = 0; g < gw * gh; g++) {
    if (unknown[g]) for (let c = 0; c < C; c++) solution[g * C + c] = mean[c]! / fixedCount;
  }
  const valid = (g: number): boolean => unknown[g] === 1 || counts[g]! > 0;
  relaxMembrane(solution, unknown, valid, gw, gh, C);
  // Bilinear interpolation of the cell solution at every hole pixel.
  for (let k = 0; k < targets.pixel.length; k++) {
    const p = targets.pixel[k]!;
    if (!hole[p]) continue;
    const fx = (targets.x[k]! + 0.5) / cell - 0.5, fy = (targets.y[k]! + 0.5) / cell - 0.5;
    const x0 = Math.floor(fx), y0 = Math.floor(fy);
    vote.fill(0);
    let wsum = 0;
    for (let j = 0; j <= 1; j++) {
      const gy = y0 + j;
      if (gy < 0 || gy >= gh) continue;
      const wy = j === 0 ? 1 - (fy - y0) : fy - y0;
      for (let i = 0; i <= 1; i++) {
        const gx = x0 + i;
        if (gx < 0 || gx >= gw) continue;
        const g = gy * gw + gx;
        if (!valid(g)) continue;
        const w = wy * (i === 0 ? 1 - (fx - x0) : fx - x0) + 1e-9;
        for (let c = 0; c < C; c++) vote[c]! += w * solution[g * C + c]!;
        wsum += w;
      }
    }
    if (!(wsum > 0)) continue;
    for (let c = 0; c < C; c++) {
      const v = Math.round(image[p * C + c]! + vote[c]! / wsum);
      image[p * C + c] = v < 0 ? 0 : v > maxValue ? maxValue : v;
    }
  }
}

function touchesHole(hole: Uint8Array, x: number, y: number, width: number, height: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < width && hole[yy * width + xx]) return true;
    }
  }
  return false;
}

/** Successive over-relaxation of Laplace's equation on the unknown cells (4-neighbour, Neumann at the grid edge). */
function relaxMembrane(
  solution: Float64Array,
  unknown: Uint8Array,
  valid: (g: number) => boolean,
  gw: number,
  gh: number,
  C: number,
): void {
  const cells: number[] = [];
  for (let g = 0; g < gw * gh; g++) if (unknown[g]) cells.push(g);
  for (let sweep = 0; sweep < MAX_SWEEPS; sweep++) {
    let change = 0;
    for (const g of cells) {
      const x = g % gw, y = (g - x) / gw;
      const nb = [x > 0 ? g - 1 : -1, x < gw - 1 ? g + 1 : -1, y > 0 ? g - gw : -1, y < gh - 1 ? g + gw : -1];
      for (let c = 0; c < C; c++) {
        let sum = 0, n = 0;
        for (const q of nb) {
          if (q < 0 || !valid(q)) continue;
          sum += solution[q * C + c]!;
          n++;
        }
        if (n === 0) continue;
        const old = solution[g * C + c]!;
        const next = old + OVER_RELAXATION * (sum / n - old);
        solution[g * C + c] = next;
        change = Math.max(change, Math.abs(next - old));
      }
    }
    if (change < 0.01) break;
  }
}
