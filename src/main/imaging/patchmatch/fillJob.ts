/**
 * Multi-scale PatchMatch completion of one context crop (Wexler et al. 2007
 * with the randomised search of Barnes et al. 2009): build a pyramid until
 * the hole is about four patches across, seed the coarsest hole (onion peel,
 * or the guide), then alternate nearest-neighbour search and weighted voting
 * at each level, carrying the field up to the next finer level.
 */
import { collectTargets, distanceToKnown, markValidSourceCentres, type TargetSet } from './levelMaps';
import {
  improveField,
  randomField,
  refreshCosts,
  upsampleField,
  type NearestNeighbourField,
  type SearchLevel,
} from './nearestNeighbourField';
import { onionPeelFill } from './initialiseHole';
import { matchBoundaryOffset } from './matchBoundaryOffset';
import { downsampleAny, downsampleImage, halfSize, upsampleHoleEstimate } from './pyramid';
import { Mulberry32 } from './random';
import { voteHole, voteWeights } from './votePatches';

/** Crop-local inputs of one job; every plane is width*height (times channels). */
export interface JobImages {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly image: Uint8Array;
  /** 1 = fill. */
  readonly hole: Uint8Array;
  /** 1 = never sample, or null. */
  readonly exclusion: Uint8Array | null;
  readonly guide: Uint8Array | null;
  readonly values16: Uint16Array | null;
}

export interface JobSettings {
  readonly patchSize: number;
  readonly seed: number;
  readonly guideWeight: number;
  /** Thickness of the job's thickest hole (from the planner): sets the pyramid depth. */
  readonly inradius: number;
}

export interface JobHooks {
  /** Fraction of this job done, in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Throws to abort (cancellation). */
  readonly checkpoint: () => void;
}

export interface JobResult {
  /** The crop with its hole filled. */
  readonly image: Uint8Array;
  readonly values16: Uint16Array | null;
}

interface PyramidLevel {
  readonly width: number;
  readonly height: number;
  readonly image: Uint8Array;
  readonly hole: Uint8Array;
  readonly blocked: Uint8Array;
  readonly guide: Uint8Array | null;
}

/** A coarsest level needs at least this many usable source patches. */
const MIN_COARSE_SOURCES = 16;

/** EM iterations and PatchMatch sweeps per EM iteration: many where pixels are few, few at full resolution. */
export function iterationsAt(level: number, coarsest: number): { em: number; sweeps: number } {
  if (level === coarsest) return { em: 6, sweeps: 2 };
  if (level === 0) return { em: 1, sweeps: 1 };
  if (level === 1) return { em: 3, sweeps: 1 };
  return { em: 4, sweeps: 2 };
}

export function fillJob(input: JobImages, settings: JobSettings, hooks: JobHooks): JobResult {
  const { channels } = input;
  const r = settings.patchSize >> 1;
  const rng = new Mulberry32(settings.seed);
  const pyramid = buildPyramid(input, settings);
  const coarsest = pyramid.length - 1;
  const holeCounts = pyramid.map((l) => countSet(l.hole));
  const totalWork = holeCounts.reduce((sum, n, l) => {
    const { em, sweeps } = iterationsAt(l, coarsest);
    return sum + n * (em * (sweeps * 4 + 2) + 2);
  }, 0);
  let doneWork = 0;
  const advance = (level: number, units: number): void => {
    doneWork += holeCounts[level]! * units;
    hooks.onProgress?.(Math.min(1, doneWork / totalWork));
  };

  let field: NearestNeighbourField | null = null;
  let previousTargets: TargetSet | null = null;
  let level: SearchLevel | null = null;
  let weights: Float64Array | null = null;
  for (let l = coarsest; l >= 0; l--) {
    hooks.checkpoint();
    const p = pyramid[l]!;
    const valid = new Uint8Array(p.width * p.height);
    markValidSourceCentres(p.blocked, p.width, p.height, r, valid);
    level = {
      width: p.width,
      height: p.height,
      channels,
      image: p.image,
      guide: p.guide,
      guideWeight: settings.guideWeight,
      hole: p.hole,
      depth: distanceToKnown(p.hole, p.width, p.height),
      valid,
      validList: listSet(valid),
      targets: collectTargets(p.hole, p.width, p.height, r),
      r,
    };
    if (field === null || previousTargets === null) {
      if (p.guide) copyHole(p.guide, p.image, p.hole, channels);
      else onionPeelFill(p.image, p.hole, p.width, p.height, channels);
      field = randomField(level, rng);
      refreshCosts(level, field);
    } else {
      const up = pyramid[l + 1]!;
      upsampleHoleEstimate(up.image, up.width, p.image, p.hole, p.width, p.height, channels);
      field = upsampleField(field, previousTargets, up.width, level, rng);
      refreshCosts(level, field);
      // Vote once with the carried-over field: sharp fine-level pixels replace the blocky upsampled estimate.
      voteHole(level, field, voteWeights(level, field), p.image, p.image, 255);
      advance(l, 2);
    }
    const { em, sweeps } = iterationsAt(l, coarsest);
    const maxRadius = searchRadiusAt(l, coarsest, p.width, p.height, settings.patchSize);
    for (let e = 0; e < em; e++) {
      refreshCosts(level, field);
      for (let s = 0; s < sweeps; s++) {
        improveField(level, field, e * sweeps + s, maxRadius, rng, hooks.checkpoint);
        advance(l, 4);
      }
      hooks.checkpoint();
      weights = voteWeights(level, field);
      voteHole(level, field, weights, p.image, p.image, 255);
      advance(l, 2);
    }
    previousTargets = level.targets;
  }
  const finest = pyramid[0]!;
  let values16: Uint16Array | null = null;
  if (level && field && weights) {
    if (input.values16) {
      values16 = input.values16.slice();
      voteHole(level, field, weights, input.values16, values16, 65535);
      matchBoundaryOffset(level, field, weights, values16, 65535, settings.inradius, input.exclusion);
    }
    matchBoundaryOffset(level, field, weights, finest.image, 255, settings.inradius, input.exclusion);
  }
  hooks.onProgress?.(1);
  return { image: finest.image, values16 };
}

/**
 * Random search radius: the whole crop at the coarsest level; finer levels
 * start from a field carried up from below, so a local search suffices there.
 */
export function searchRadiusAt(level: number, coarsest: number, width: number, height: number, patchSize: number): number {
  const whole = Math.max(width, height);
  return level === coarsest ? whole : Math.min(whole, 8 * patchSize);
}

function buildPyramid(input: JobImages, settings: JobSettings): PyramidLevel[] {
  const { width, height, channels } = input;
  const r = settings.patchSize >> 1;
  const blocked = new Uint8Array(width * height);
  for (let i = 0; i < blocked.length; i++) blocked[i] = input.hole[i]! | (input.exclusion ? input.exclusion[i]! : 0);
  let guide: Uint8Array | null = null;
  if (input.guide) {
    guide = input.image.slice();
    copyHole(input.guide, guide, input.hole, channels);
  }
  const levels: PyramidLevel[] = [
    { width, height, image: input.image.slice(), hole: input.hole.slice(), blocked, guide },
  ];
  // Stop where the hole is about four patches across (inradius <= 2 patches),
  // but always build one coarser level: structure settles best where pixels
  // are few. The crop size and source counts below may cut the pyramid short.
  const depth = Math.max(1, Math.ceil(Math.log2(Math.max(1, settings.inradius) / (2 * settings.patchSize))));
  for (let l = 1; l <= depth; l++) {
    const f = levels[l - 1]!;
    const w2 = halfSize(f.width), h2 = halfSize(f.height);
    if (Math.min(w2, h2) < 3 * settings.patchSize) break;
    levels.push({
      width: w2,
      height: h2,
      image: downsampleImage(f.image, f.width, f.height, channels),
      hole: downsampleAny(f.hole, f.width, f.height),
      blocked: downsampleAny(f.blocked, f.width, f.height),
      guide: f.guide ? downsampleImage(f.guide, f.width, f.height, channels) : null,
    });
  }
  // Exclusions grow going up the pyramid; drop levels that have too few sources left.
  while (levels.length > 1) {
    const top = levels[levels.length - 1]!;
    const count = markValidSourceCentres(top.blocked, top.width, top.height, r, new Uint8Array(top.width * top.height));
    if (count >= MIN_COARSE_SOURCES) break;
    levels.pop();
  }
  return levels;
}

function copyHole(from: Uint8Array, to: Uint8Array, hole: Uint8Array, channels: number): void {
  for (let i = 0; i < hole.length; i++) {
    if (hole[i] === 0) continue;
    for (let c = 0; c < channels; c++) to[i * channels + c] = from[i * channels + c]!;
  }
}

function countSet(plane: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < plane.length; i++) n += plane[i]! > 0 ? 1 : 0;
  return n;
}

function listSet(plane: Uint8Array): Int32Array {
  const list = new Int32Array(countSet(plane));
  for (let i = 0, k = 0; i < plane.length; i++) if (plane[i]) list[k++] = i;
  return list;
}
