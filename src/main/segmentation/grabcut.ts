/**
 * GrabCut (Rother, Kolmogorov & Blake, SIGGRAPH 2004), written from the
 * paper: foreground and background colour models are Gaussian mixtures
 * (K = 5, full covariance); each iteration assigns pixels to components,
 * re-estimates the mixtures and solves the binary labelling by a minimum
 * cut on the 8-connected pixel graph with contrast-sensitive smoothness
 * γ·exp(−β‖z_m − z_n‖²)/dist(m, n), β = 1 / (2⟨‖z_m − z_n‖²⟩).
 *
 * Pure and synchronous; the engine runs it on a downscaled crop.
 */
import { MaxFlowGraph } from './maxflow';

/** Trimap values, as in the paper: fixed background/foreground, or unknown (probably one or the other). */
export const Trimap = {
  Background: 0,
  Foreground: 1,
  ProbablyBackground: 2,
  ProbablyForeground: 3,
} as const;
export type Trimap = (typeof Trimap)[keyof typeof Trimap];

export interface GrabCutOptions {
  readonly iterations?: number;
  readonly components?: number;
  /** Smoothness weight γ (the paper's 50). */
  readonly gamma?: number;
}

const DEFAULTS = { iterations: 5, components: 5, gamma: 50 };

class Gmm {
  readonly weight: Float64Array;
  readonly mean: Float64Array;
  /** Inverse covariance (row-major 3x3) per component. */
  readonly inv: Float64Array;
  /** 1/sqrt(det Σ) per component. */
  readonly norm: Float64Array;
  private sums: Float64Array;
  private prods: Float64Array;
  private counts: Float64Array;

  constructor(readonly k: number) {
    this.weight = new Float64Array(k);
    this.mean = new Float64Array(k * 3);
    this.inv = new Float64Array(k * 9);
    this.norm = new Float64Array(k);
    this.sums = new Float64Array(k * 3);
    this.prods = new Float64Array(k * 9);
    this.counts = new Float64Array(k);
  }

  resetStats(): void {
    this.sums.fill(0); this.prods.fill(0); this.counts.fill(0);
  }

  addSample(c: number, r: number, g: number, b: number): void {
    const s = c * 3, p = c * 9;
    this.sums[s] = this.sums[s]! + r; this.sums[s + 1] = this.sums[s + 1]! + g; this.sums[s + 2] = this.sums[s + 2]! + b;
    const v = [r, g, b];
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) this.prods[p + i * 3 + j] = this.prods[p + i * 3 + j]! + v[i]! * v[j]!;
    this.counts[c] = this.counts[c]! + 1;
  }

  /** Fits the components from the accumulated samples; empty components get weight 0. */
  learn(): void {
    let total = 0;
    for (let c = 0; c < this.k; c++) total += this.counts[c]!;
    for (let c = 0; c < this.k; c++) {
      const n = this.counts[c]!;
      if (n === 0) { this.weight[c] = 0; continue; }
      this.weight[c] = n / total;
      const m = [this.sums[c * 3]! / n, this.sums[c * 3 + 1]! / n, this.sums[c * 3 + 2]! / n];
      for (let i = 0; i < 3; i++) this.mean[c * 3 + i] = m[i]!;
      const cov = new Float64Array(9);
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) cov[i * 3 + j] = this.prods[c * 9 + i * 3 + j]! / n - m[i]! * m[j]!;
      // Regularise: a component of one flat colour would have a singular covariance (variance of 4 = 2 levels).
      for (let i = 0; i < 3; i++) cov[i * 4] = cov[i * 4]! + 4;
      let det = cov[0]! * (cov[4]! * cov[8]! - cov[5]! * cov[7]!) - cov[1]! * (cov[3]! * cov[8]! - cov[5]! * cov[6]!) + cov[2]! * (cov[3]! * cov[7]! - cov[4]! * cov[6]!);
      if (det <= 1e-9) det = 1e-9;
      const inv = this.inv;
      const o = c * 9;
      inv[o] = (cov[4]! * cov[8]! - cov[5]! * cov[7]!) / det;
      inv[o + 1] = -(cov[1]! * cov[8]! - cov[2]! * cov[7]!) / det;
      inv[o + 2] = (cov[1]! * cov[5]! - cov[2]! * cov[4]!) / det;
      inv[o + 3] = -(cov[3]! * cov[8]! - cov[5]! * cov[6]!) / det;
      inv[o + 4] = (cov[0]! * cov[8]! - cov[2]! * cov[6]!) / det;
      inv[o + 5] = -(cov[0]! * cov[5]! - cov[2]! * cov[3]!) / det;
      inv[o + 6] = (cov[3]! * cov[7]! - cov[4]! * cov[6]!) / det;
      inv[o + 7] = -(cov[0]! * cov[7]! - cov[1]! * cov[6]!) / det;
      inv[o + 8] = (cov[0]! * cov[4]! - cov[1]! * cov[3]!) / det;
      this.norm[c] = 1 / Math.sqrt(det);
    }
  }

  /** Unnormalised density of component c (the common (2π)^-3/2 factor cancels between models). */
  componentDensity(c: number, r: number, g: number, b: number): number {
    if (this.weight[c] === 0) return 0;
    const dr = r - this.mean[c * 3]!, dg = g - this.mean[c * 3 + 1]!, db = b - this.mean[c * 3 + 2]!;
    const o = c * 9, inv = this.inv;
    const q = dr * (dr * inv[o]! + dg * inv[o + 3]! + db * inv[o + 6]!)
      + dg * (dr * inv[o + 1]! + dg * inv[o + 4]! + db * inv[o + 7]!)
      + db * (dr * inv[o + 2]! + dg * inv[o + 5]! + db * inv[o + 8]!);
    return this.norm[c]! * Math.exp(-0.5 * q);
  }

  density(r: number, g: number, b: number): number {
    let s = 0;
    for (let c = 0; c < this.k; c++) s += this.weight[c]! * this.componentDensity(c, r, g, b);
    return s;
  }

  mostLikely(r: number, g: number, b: number): number {
    let best = 0, bestP = -1;
    for (let c = 0; c < this.k; c++) {
      const p = this.componentDensity(c, r, g, b);
      if (p > bestP) { bestP = p; best = c; }
    }
    return best;
  }
}

/** Deterministic k-means (k-means++ seeding from a fixed LCG) over the pixels listed in `idx`. */
function kmeansLabels(data: Uint8Array, idx: Int32Array, k: number, iterations = 8): Int32Array {
  const n = idx.length;
  const labels = new Int32Array(n);
  if (n === 0) return labels;
  let seed = 12345;
  const rand = (): number => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
  // Subsample for seeding and centre updates on big regions.
  const stride = Math.max(1, Math.floor(n / 20000));
  const centres = new Float64Array(k * 3);
  const pick = idx[Math.floor(rand() * n)]! * 3;
  centres[0] = data[pick]!; centres[1] = data[pick + 1]!; centres[2] = data[pick + 2]!;
  const d2 = new Float64Array(Math.ceil(n / stride));
  for (let c = 1; c < k; c++) {
    let total = 0;
    for (let s = 0, t = 0; s < n; s += stride, t++) {
      const p = idx[s]! * 3;
      let best = Infinity;
      for (let j = 0; j < c; j++) {
        const dr = data[p]! - centres[j * 3]!, dg = data[p + 1]! - centres[j * 3 + 1]!, db = data[p + 2]! - centres[j * 3 + 2]!;
        best = Math.min(best, dr * dr + dg * dg + db * db);
      }
      d2[t] = best; total += best;
    }
    let target = rand() * total, chosen = 0;
    for (let t = 0; t < d2.length; t++) { target -= d2[t]!; if (target <= 0) { chosen = t; break; } }
    const q = idx[Math.min(n - 1, chosen * stride)]! * 3;
    centres[c * 3] = data[q]!; centres[c * 3 + 1] = data[q + 1]!; centres[c * 3 + 2] = data[q + 2]!;
  }
  const sums = new Float64Array(k * 3), counts = new Float64Array(k);
  for (let it = 0; it < iterations; it++) {
    sums.fill(0); counts.fill(0);
    for (let s = 0; s < n; s++) {
      const p = idx[s]! * 3;
      let best = 0, bestD = Infinity;
      for (let j = 0; j < k; j++) {
        const dr = data[p]! - centres[j * 3]!, dg = data[p + 1]! - centres[j * 3 + 1]!, db = data[p + 2]! - centres[j * 3 + 2]!;
        const d = dr * dr + dg * dg + db * db;
        if (d < bestD) { bestD = d; best = j; }
      }
      labels[s] = best;
      counts[best] = counts[best]! + 1;
      sums[best * 3] = sums[best * 3]! + data[p]!; sums[best * 3 + 1] = sums[best * 3 + 1]! + data[p + 1]!; sums[best * 3 + 2] = sums[best * 3 + 2]! + data[p + 2]!;
    }
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) continue;
      for (let c = 0; c < 3; c++) centres[j * 3 + c] = sums[j * 3 + c]! / counts[j]!;
    }
  }
  return labels;
}

/** The 4 forward neighbour offsets of the 8-neighbourhood: right, down-left, down, down-right. */
const NEIGHBOURS: readonly (readonly [number, number, number])[] = [
  [1, 0, 1], [-1, 1, Math.SQRT1_2], [0, 1, 1], [1, 1, Math.SQRT1_2],
];

function smoothnessWeights(data: Uint8Array, width: number, height: number, gamma: number): Float32Array {
  // weights[i * 4 + k] for the edge from pixel i to its k-th forward neighbour (0 when outside).
  const w = new Float32Array(width * height * 4);
  let sum = 0, count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      for (let k = 0; k < 4; k++) {
        const [dx, dy] = NEIGHBOURS[k]!;
        const nx = x + dx, ny = y + dy;
        if (nx < 0 || nx >= width || ny >= height) continue;
        const q = (ny * width + nx) * 3;
        const dr = data[p]! - data[q]!, dg = data[p + 1]! - data[q + 1]!, db = data[p + 2]! - data[q + 2]!;
        const d = dr * dr + dg * dg + db * db;
        w[(y * width + x) * 4 + k] = d;
        sum += d; count++;
      }
    }
  }
  const beta = sum > 0 ? count / (2 * sum) : 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let k = 0; k < 4; k++) {
        const [dx, dy, inv] = NEIGHBOURS[k]!;
        const nx = x + dx, ny = y + dy;
        const i = (y * width + x) * 4 + k;
        w[i] = nx < 0 || nx >= width || ny >= height ? 0 : gamma * inv * Math.exp(-beta * w[i]!);
      }
    }
  }
  return w;
}

/**
 * Runs GrabCut on an RGB image with a trimap (modified in place for the
 * unknown pixels). Returns the foreground mask (255 = foreground).
 * Throws when the trimap has no background or no foreground candidates.
 */
export function grabCut(data: Uint8Array, width: number, height: number, trimap: Uint8Array, options: GrabCutOptions = {}): Uint8Array {
  const { iterations, components, gamma } = { ...DEFAULTS, ...options };
  const n = width * height;
  if (data.length !== n * 3 || trimap.length !== n) throw new Error(`grabCut: image ${data.length} bytes / trimap ${trimap.length} for ${width}x${height}`);
  const fgIdx: number[] = [], bgIdx: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = trimap[i]!;
    if (t === Trimap.Foreground || t === Trimap.ProbablyForeground) fgIdx.push(i); else bgIdx.push(i);
  }
  if (fgIdx.length === 0 || bgIdx.length === 0) throw new Error('grabCut needs both background and foreground candidates');

  const fg = new Gmm(components), bg = new Gmm(components);
  const comp = new Int32Array(n);
  {
    const f = Int32Array.from(fgIdx), b = Int32Array.from(bgIdx);
    const lf = kmeansLabels(data, f, components), lb = kmeansLabels(data, b, components);
    fg.resetStats(); bg.resetStats();
    for (let s = 0; s < f.length; s++) { const p = f[s]! * 3; fg.addSample(lf[s]!, data[p]!, data[p + 1]!, data[p + 2]!); }
    for (let s = 0; s < b.length; s++) { const p = b[s]! * 3; bg.addSample(lb[s]!, data[p]!, data[p + 1]!, data[p + 2]!); }
    fg.learn(); bg.learn();
  }
  const smooth = smoothnessWeights(data, width, height, gamma);
  const mask = new Uint8Array(n);

  for (let it = 0; it < iterations; it++) {
    // Assign components and re-learn both mixtures from the current labelling.
    fg.resetStats(); bg.resetStats();
    for (let i = 0; i < n; i++) {
      const p = i * 3, r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
      const t = trimap[i]!;
      const isFg = t === Trimap.Foreground || t === Trimap.ProbablyForeground;
      const model = isFg ? fg : bg;
      const c = model.mostLikely(r, g, b);
      comp[i] = c;
      model.addSample(c, r, g, b);
    }
    fg.learn(); bg.learn();

    // Only unknown pixels become graph nodes: a fixed pixel's label is known, so an edge to it is a
    // terminal link of its unknown neighbour. This keeps the graph (and its augmenting paths) small.
    const node = new Int32Array(n).fill(-1);
    let count = 0;
    for (let i = 0; i < n; i++) if (trimap[i] === Trimap.ProbablyBackground || trimap[i] === Trimap.ProbablyForeground) node[i] = count++;
    const graph = new MaxFlowGraph(Math.max(1, count), count * 4);
    const toSource = new Float64Array(count), toSink = new Float64Array(count);
    for (let i = 0; i < n; i++) {
      const v = node[i]!;
      if (v < 0) continue;
      const p = i * 3, r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
      // Source = foreground: cutting the source link labels i background and costs −log p_bg.
      toSource[v] = -Math.log(Math.max(bg.density(r, g, b), 1e-300));
      toSink[v] = -Math.log(Math.max(fg.density(r, g, b), 1e-300));
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        for (let k = 0; k < 4; k++) {
          const w = smooth[i * 4 + k]!;
          if (w === 0) continue;
          const [dx, dy] = NEIGHBOURS[k]!;
          const j = (y + dy) * width + x + dx;
          const vi = node[i]!, vj = node[j]!;
          if (vi >= 0 && vj >= 0) graph.addEdge(vi, vj, w, w);
          else if (vi >= 0) { if (trimap[j] === Trimap.Foreground) toSource[vi] = toSource[vi]! + w; else toSink[vi] = toSink[vi]! + w; }
          else if (vj >= 0) { if (trimap[i] === Trimap.Foreground) toSource[vj] = toSource[vj]! + w; else toSink[vj] = toSink[vj]! + w; }
        }
      }
    }
    for (let v = 0; v < count; v++) {
      // Only the difference matters (every node is cut from exactly one terminal); keep both >= 0.
      const m = Math.min(toSource[v]!, toSink[v]!);
      graph.addTerminalWeights(v, toSource[v]! - m, toSink[v]! - m);
    }
    graph.maxflow();
    let changed = 0;
    for (let i = 0; i < n; i++) {
      const t = trimap[i]!;
      if (t === Trimap.Background || t === Trimap.Foreground) continue;
      const next: Trimap = graph.isSourceSide(node[i]!) ? Trimap.ProbablyForeground : Trimap.ProbablyBackground;
      if (next !== t) changed++;
      trimap[i] = next;
    }
    // Converged: fewer than 0.1 % of the unknown pixels changed side.
    if (changed <= count * 0.001 && it > 0) break;
  }
  for (let i = 0; i < n; i++) {
    const t = trimap[i]!;
    mask[i] = t === Trimap.Foreground || t === Trimap.ProbablyForeground ? 255 : 0;
  }
  return mask;
}

/** Trimap for a box: outside is background, inside probably foreground. */
export function boxTrimap(width: number, height: number, box: { x: number; y: number; width: number; height: number }): Uint8Array {
  const t = new Uint8Array(width * height).fill(Trimap.Background);
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(width, Math.round(box.x + box.width)), y1 = Math.min(height, Math.round(box.y + box.height));
  for (let y = y0; y < y1; y++) t.fill(Trimap.ProbablyForeground, y * width + x0, y * width + x1);
  return t;
}
