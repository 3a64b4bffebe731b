/**
 * Splits a mask into independent fill jobs: each connected hole gets a
 * context crop (its bounding box plus a margin proportional to its thickness);
 * holes whose crops would see each other are merged into one job, so a job
 * never reads another job's unfilled pixels and jobs can run in any order or
 * on any worker with the same result.
 */
import { StudioError } from '../../../shared/errors';
import { markValidSourceCentres } from './levelMaps';
import type { Rect } from './types';

export interface FillJob {
  /** Crop the job works on, in image pixels. */
  readonly context: Rect;
  /** Bounding box of the job's hole pixels, in image pixels. */
  readonly holeBox: Rect;
  /** Largest distance (pixels) from a hole pixel to the nearest known pixel. */
  readonly inradius: number;
  readonly holeArea: number;
}

export interface FillPlan {
  readonly maskBox: Rect;
  readonly jobs: readonly FillJob[];
}

interface Box {
  x0: number;
  y0: number;
  x1: number; // exclusive
  y1: number;
}

interface Cluster {
  hole: Box;
  inradius: number;
  area: number;
  marginScale: number;
}

/** Fewer valid source patches than this in a crop and the crop grows. */
const MIN_SOURCE_PATCHES = 32;

export function contextMargin(inradius: number, patchSize: number, marginScale: number, radii = UNGUIDED_MARGIN_RADII): number {
  return Math.ceil(Math.max(8 * patchSize, radii * inradius) * marginScale);
}

/**
 * Context margins in hole radii (never less than eight patches). Unguided,
 * the coarse levels must find the hole's structure in the surroundings, two
 * hole radii wide. A guide (an upsampled diffusion sample) already holds that
 * structure and the fill needs texture from nearby: one hole radius, which on
 * a big hole cuts the crop by about a third (the detail pass's peak memory
 * and time).
 */
export const UNGUIDED_MARGIN_RADII = 2;
export const GUIDED_MARGIN_RADII = 1;

export function planFillJobs(
  mask: Uint8Array,
  width: number,
  height: number,
  patchSize: number,
  exclusion?: Uint8Array,
  marginRadii = UNGUIDED_MARGIN_RADII,
): FillPlan {
  const maskBox = findMaskBox(mask, width, height);
  if (!maskBox) throw new StudioError('MASK_EMPTY', 'the mask is empty: paint the area to fill first');
  if (maskBox.width * maskBox.height === width * height && isFull(mask)) {
    throw new StudioError('MASK_FULL', 'the mask covers the whole image: there is nothing left to take patches from');
  }
  let clusters = findHoles(mask, width, maskBox);
  for (;;) {
    clusters = mergeOverlapping(clusters, width, height, patchSize, marginRadii);
    let grew = false;
    for (const c of clusters) {
      const ctx = contextOf(c, width, height, patchSize, marginRadii);
      if (!exclusion && hasKnownStrip(c.hole, ctx, patchSize)) continue;
      if (countValidSources(mask, exclusion, width, ctx, patchSize) >= MIN_SOURCE_PATCHES) continue;
      if (ctx.x0 === 0 && ctx.y0 === 0 && ctx.x1 === width && ctx.y1 === height) {
        if (countValidSources(mask, exclusion, width, ctx, patchSize) > 0) continue;
        throw new StudioError(
          exclusion ? 'BAD_MASK' : 'MASK_FULL',
          `no ${patchSize}x${patchSize} area of the image is free of the mask${exclusion ? ' and the exclusion mask' : ''}: nothing to take patches from`,
        );
      }
      c.marginScale *= 2;
      grew = true;
    }
    if (!grew) break;
  }
  const jobs = clusters.map((c): FillJob => {
    const ctx = contextOf(c, width, height, patchSize, marginRadii);
    return {
      context: { x: ctx.x0, y: ctx.y0, width: ctx.x1 - ctx.x0, height: ctx.y1 - ctx.y0 },
      holeBox: { x: c.hole.x0, y: c.hole.y0, width: c.hole.x1 - c.hole.x0, height: c.hole.y1 - c.hole.y0 },
      inradius: c.inradius,
      holeArea: c.area,
    };
  });
  // Largest first: the best order for handing jobs to a worker pool.
  jobs.sort((a, b) => b.holeArea - a.holeArea || a.context.y - b.context.y || a.context.x - b.context.x);
  return { maskBox, jobs };
}

function isFull(mask: Uint8Array): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i]! <= 127) return false;
  return true;
}

export function findMaskBox(mask: Uint8Array, width: number, height: number): Rect | null {
  let x0 = width, y0 = height, x1 = -1, y1 = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let first = -1, last = -1;
    for (let x = 0; x < width; x++) {
      if (mask[row + x]! > 127) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first < 0) continue;
    if (y < y0) y0 = y;
    y1 = y;
    if (first < x0) x0 = first;
    if (last > x1) x1 = last;
  }
  if (x1 < 0) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * 8-connected components of the mask with their boxes, areas and inradius.
 * Works on horizontal runs (union-find over runs that touch the previous
 * row's runs), so the cost is one pass over the mask box plus the run count.
 */
function findHoles(mask: Uint8Array, width: number, box: Rect): Cluster[] {
  let runX0: Int32Array = new Int32Array(1024), runX1: Int32Array = new Int32Array(1024), runY: Int32Array = new Int32Array(1024);
  let parent: Int32Array = new Int32Array(1024);
  let runs = 0;
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  let prevStart = 0, prevEnd = 0;
  for (let y = box.y; y < box.y + box.height; y++) {
    const rowStart = runs;
    const row = y * width;
    let x = box.x;
    const xEnd = box.x + box.width;
    while (x < xEnd) {
      while (x < xEnd && mask[row + x]! <= 127) x++;
      if (x >= xEnd) break;
      const x0 = x;
      while (x < xEnd && mask[row + x]! > 127) x++;
      if (runs === runX0.length) {
        const grow = (a: Int32Array): Int32Array => {
          const b = new Int32Array(a.length * 2);
          b.set(a);
          return b;
        };
        runX0 = grow(runX0);
        runX1 = grow(runX1);
        runY = grow(runY);
        parent = grow(parent);
      }
      runX0[runs] = x0;
      runX1[runs] = x; // exclusive
      runY[runs] = y;
      parent[runs] = runs;
      // 8-connectivity: a run touches a previous-row run whose span overlaps [x0-1, x].
      for (let p = prevStart; p < prevEnd; p++) {
        if (runX1[p]! < x0 || runX0[p]! > x) continue;
        const a = root(p), b = root(runs);
        if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
      }
      runs++;
    }
    prevStart = rowStart;
    prevEnd = runs;
  }
  const byRoot = new Map<number, Cluster>();
  for (let i = 0; i < runs; i++) {
    const r = root(i);
    const x0 = runX0[i]!, x1 = runX1[i]!, y = runY[i]!;
    const c = byRoot.get(r);
    if (!c) {
      byRoot.set(r, { hole: { x0, y0: y, x1, y1: y + 1 }, inradius: 0, area: x1 - x0, marginScale: 1 });
      continue;
    }
    if (x0 < c.hole.x0) c.hole.x0 = x0;
    if (x1 > c.hole.x1) c.hole.x1 = x1;
    if (y + 1 > c.hole.y1) c.hole.y1 = y + 1;
    c.area += x1 - x0;
  }
  const clusters = [...byRoot.values()];
  for (const c of clusters) c.inradius = inradiusOf(mask, width, c.hole);
  return clusters;
}

/**
 * Largest chamfer (3-4) distance from a mask pixel inside `hole` to the
 * nearest pixel that is not masked (pixels outside the box count as known).
 */
function inradiusOf(mask: Uint8Array, width: number, hole: Box): number {
  const pw = hole.x1 - hole.x0 + 2, ph = hole.y1 - hole.y0 + 2;
  const dist = new Uint16Array(pw * ph);
  for (let y = 1; y < ph - 1; y++) {
    const row = (hole.y0 + y - 1) * width + hole.x0 - 1;
    for (let x = 1; x < pw - 1; x++) if (mask[row + x]! > 127) dist[y * pw + x] = 65535;
  }
  let max = 0;
  for (let pass = 0; pass < 2; pass++) {
    const forward = pass === 0;
    const d1 = forward ? -1 : 1, d2 = forward ? -pw : pw;
    for (let k = pw + 1; k < pw * (ph - 1) - 1; k++) {
      const i = forward ? k : pw * ph - 1 - k;
      let v = dist[i]!;
      if (v === 0) continue;
      const a = dist[i + d1]! + 3, b = dist[i + d2]! + 3, c = dist[i + d2 + d1]! + 4, e = dist[i + d2 - d1]! + 4;
      if (a < v) v = a;
      if (b < v) v = b;
      if (c < v) v = c;
      if (e < v) v = e;
      dist[i] = v;
      if (!forward && v > max) max = v;
    }
  }
  return max / 3;
}

function contextOf(c: Cluster, width: number, height: number, patchSize: number, radii: number): Box {
  const m = contextMargin(c.inradius, patchSize, c.marginScale, radii);
  return {
    x0: Math.max(0, c.hole.x0 - m),
    y0: Math.max(0, c.hole.y0 - m),
    x1: Math.min(width, c.hole.x1 + m),
    y1: Math.min(height, c.hole.y1 + m),
  };
}

function intersects(a: Box, b: Box): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

/** Merges clusters until no cluster's context touches another cluster's hole box. */
function mergeOverlapping(input: Cluster[], width: number, height: number, patchSize: number, radii: number): Cluster[] {
  let clusters = input;
  for (;;) {
    const ctx = clusters.map((c) => contextOf(c, width, height, patchSize, radii));
    const order = clusters.map((_, i) => i).sort((a, b) => ctx[a]!.x0 - ctx[b]!.x0);
    const parent = clusters.map((_, i) => i);
    const root = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
      return i;
    };
    let merged = false;
    for (let a = 0; a < order.length; a++) {
      const i = order[a]!;
      for (let b = a + 1; b < order.length && ctx[order[b]!]!.x0 < ctx[i]!.x1; b++) {
        const j = order[b]!;
        if (!intersects(ctx[i]!, clusters[j]!.hole) && !intersects(ctx[j]!, clusters[i]!.hole)) continue;
        const ri = root(i), rj = root(j);
        if (ri !== rj) {
          parent[Math.max(ri, rj)] = Math.min(ri, rj);
          merged = true;
        }
      }
    }
    if (!merged) return clusters;
    const byRoot = new Map<number, Cluster>();
    clusters.forEach((c, i) => {
      const r = root(i);
      const m = byRoot.get(r);
      if (!m) {
        byRoot.set(r, { hole: { ...c.hole }, inradius: c.inradius, area: c.area, marginScale: c.marginScale });
        return;
      }
      m.hole.x0 = Math.min(m.hole.x0, c.hole.x0);
      m.hole.y0 = Math.min(m.hole.y0, c.hole.y0);
      m.hole.x1 = Math.max(m.hole.x1, c.hole.x1);
      m.hole.y1 = Math.max(m.hole.y1, c.hole.y1);
      m.inradius = Math.max(m.inradius, c.inradius);
      m.area += c.area;
      m.marginScale = Math.max(m.marginScale, c.marginScale);
    });
    clusters = [...byRoot.values()];
  }
}

/**
 * Without an exclusion mask, a strip between the hole box and the context
 * edge that is a patch deep and long enough holds MIN_SOURCE_PATCHES clean
 * patches (no other hole reaches into a job's context), so counting is moot.
 */
function hasKnownStrip(hole: Box, ctx: Box, patchSize: number): boolean {
  const longEnough = (n: number): boolean => n >= patchSize + MIN_SOURCE_PATCHES;
  const deepEnough = (n: number): boolean => n >= patchSize;
  const cw = ctx.x1 - ctx.x0, ch = ctx.y1 - ctx.y0;
  return (
    (longEnough(cw) && (deepEnough(hole.y0 - ctx.y0) || deepEnough(ctx.y1 - hole.y1))) ||
    (longEnough(ch) && (deepEnough(hole.x0 - ctx.x0) || deepEnough(ctx.x1 - hole.x1)))
  );
}

function countValidSources(
  mask: Uint8Array,
  exclusion: Uint8Array | undefined,
  width: number,
  ctx: Box,
  patchSize: number,
): number {
  const w = ctx.x1 - ctx.x0, h = ctx.y1 - ctx.y0;
  const blocked = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const src = (ctx.y0 + y) * width + ctx.x0;
    for (let x = 0; x < w; x++) {
      blocked[y * w + x] = mask[src + x]! > 127 || (exclusion !== undefined && exclusion[src + x]! > 127) ? 1 : 0;
    }
  }
  return markValidSourceCentres(blocked, w, h, patchSize >> 1, new Uint8Array(w * h));
}
