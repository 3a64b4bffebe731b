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

export function contextMargin(inradius: number, patchSize: number, marginScale: number): number {
  return Math.ceil(Math.max(8 * patchSize, 2 * inradius) * marginScale);
}

export function planFillJobs(
  mask: Uint8Array,
  width: number,
  height: number,
  patchSize: number,
  exclusion?: Uint8Array,
): FillPlan {
  const maskBox = findMaskBox(mask, width, height);
  if (!maskBox) throw new StudioError('MASK_EMPTY', 'the mask is empty: paint the area to fill first');
  if (maskBox.width * maskBox.height === width * height && isFull(mask)) {
    throw new StudioError('MASK_FULL', 'the mask covers the whole image: there is nothing left to take patches from');
  }
  let clusters = findHoles(mask, width, maskBox);
  for (;;) {
    clusters = mergeOverlapping(clusters, width, height, patchSize);
    let grew = false;
    for (const c of clusters) {
      const ctx = contextOf(c, width, height, patchSize);
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
    const ctx = contextOf(c, width, height, patchSize);
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

/** 8-connected components of the mask with their boxes, areas and inradius (chamfer 3-4 distance). */
function findHoles(mask: Uint8Array, width: number, box: Rect): Cluster[] {
  // Distance to the nearest known pixel on a grid padded by one known pixel.
  const pw = box.width + 2, ph = box.height + 2;
  const dist = new Uint16Array(pw * ph);
  const inHole = new Uint8Array(pw * ph);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      if (mask[(box.y + y) * width + box.x + x]! > 127) {
        inHole[(y + 1) * pw + x + 1] = 1;
        dist[(y + 1) * pw + x + 1] = 65535;
      }
    }
  }
  for (let y = 1; y < ph - 1; y++) {
    for (let x = 1; x < pw - 1; x++) {
      const i = y * pw + x;
      if (!inHole[i]) continue;
      dist[i] = Math.min(dist[i]!, dist[i - 1]! + 3, dist[i - pw]! + 3, dist[i - pw - 1]! + 4, dist[i - pw + 1]! + 4);
    }
  }
  for (let y = ph - 2; y >= 1; y--) {
    for (let x = pw - 2; x >= 1; x--) {
      const i = y * pw + x;
      if (!inHole[i]) continue;
      dist[i] = Math.min(dist[i]!, dist[i + 1]! + 3, dist[i + pw]! + 3, dist[i + pw + 1]! + 4, dist[i + pw - 1]! + 4);
    }
  }
  const clusters: Cluster[] = [];
  let stack = new Int32Array(1024);
  for (let start = 0; start < inHole.length; start++) {
    if (inHole[start] !== 1) continue;
    let top = 0;
    stack[top++] = start;
    inHole[start] = 2;
    let x0 = pw, y0 = ph, x1 = 0, y1 = 0, area = 0, maxDist = 0;
    while (top > 0) {
      const i = stack[--top]!;
      const x = i % pw, y = (i - x) / pw;
      area++;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (dist[i]! > maxDist) maxDist = dist[i]!;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const j = i + dy * pw + dx;
          if (inHole[j] !== 1) continue;
          inHole[j] = 2;
          if (top === stack.length) {
            const bigger = new Int32Array(stack.length * 2);
            bigger.set(stack);
            stack = bigger;
          }
          stack[top++] = j;
        }
      }
    }
    clusters.push({
      hole: { x0: box.x + x0 - 1, y0: box.y + y0 - 1, x1: box.x + x1, y1: box.y + y1 },
      inradius: maxDist / 3,
      area,
      marginScale: 1,
    });
  }
  return clusters;
}

function contextOf(c: Cluster, width: number, height: number, patchSize: number): Box {
  const m = contextMargin(c.inradius, patchSize, c.marginScale);
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
function mergeOverlapping(input: Cluster[], width: number, height: number, patchSize: number): Cluster[] {
  let clusters = input;
  for (;;) {
    const ctx = clusters.map((c) => contextOf(c, width, height, patchSize));
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
