/**
 * Multi-scale PatchMatch completion of one context crop (Wexler et al. 2007
 * with the randomised search of Barnes et al. 2009): build a pyramid until
 * the hole is about four patches across, seed the coarsest hole (onion peel,
 * or the guide), then alternate nearest-neighbour search and weighted voting
 * at each level, carrying the field up to the next finer level.
 */
import { collectTargets, markValidSourceCentres, targetDepths, validSourcePrefix, ValidSources, type TargetSet } from './levelMaps';
import {
  improveField,
  randomField,
  refreshCosts,
  upsampleField,
  type NearestNeighbourField,
  type SearchLevel,
} from './nearestNeighbourField';
import { guideSourceRadius, maskedBoxMean, textureEnergy } from './guideSource';
import { onionPeelFill } from './initialiseHole';
import { matchBoundaryOffset } from './matchBoundaryOffset';
import { HEAP_PLANES, type PlaneAllocator } from './planes';
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
  /**
   * Full-resolution pixels per pixel of real detail in the guide (an upsampled
   * diffusion sample: context crop ÷ working size). Given, the guide already
   * holds the structure above that scale: the pyramid stops at the level whose
   * pixels are about that size and every level runs fewer iterations. Absent,
   * the pyramid goes down until the hole is a few patches across.
   */
  readonly guideScale?: number;
}

/** A guide given as the values of the crop's hole pixels only, in raster order (channels interleaved). */
export interface GuideInput {
  readonly holeValues: Uint8Array;
}

/** What a job's samples share: the settings that shape the pyramid. */
export type SharedJobSettings = Pick<JobSettings, 'patchSize' | 'inradius' | 'guideScale'>;

export interface JobHooks {
  /** Fraction of this job done, in [0, 1]. */
  readonly onProgress?: (fraction: number) => void;
  /** Throws to abort (cancellation). */
  readonly checkpoint: () => void;
}

export interface JobResult {
  /** The filled values of the crop's hole pixels in raster order, channels interleaved (the layout of GuideInput). */
  readonly holeValues: Uint8Array;
  readonly holeValues16: Uint16Array | null;
}

/** One level of the source pyramid; `image` is never written (each fill works on its own copy). */
export interface PyramidLevel {
  readonly width: number;
  readonly height: number;
  readonly image: Uint8Array;
  readonly hole: Uint8Array;
  readonly blocked: Uint8Array;
  /**
   * With a guideScale: the level's image low-passed to the guide's detail
   * scale, which the guide term compares the guide with (guideSource.ts);
   * null: the guide term compares with the image itself.
   */
  readonly guideSource: Uint8Array | null;
  /** With a guideScale: the full-resolution texture energy downsampled to the level and averaged over each patch (guideSource.ts); else null. */
  readonly texture: Uint8Array | null;
}

/** Everything about a level that depends on the source and the hole only, not on the guide or the seed. */
export interface LevelMaps {
  readonly targetDepth: Float32Array;
  readonly valid: Uint8Array;
  readonly sources: ValidSources;
  readonly targets: TargetSet;
}

/**
 * A job's source pyramid and per-level maps, built once and shared by every
 * fill of the same crop (the N samples of a diffusion run differ only in
 * their guide and seed). With `keepMaps` every level's maps are built up
 * front and kept for the next fill; without, each level's are built when it
 * is reached and dropped after it (a one-off fill's memory).
 */
export interface PreparedJob {
  readonly input: Omit<JobImages, 'guide'>;
  readonly settings: SharedJobSettings;
  readonly levels: readonly PyramidLevel[];
  readonly guidedStart: boolean;
  readonly holeCounts: readonly number[];
  readonly maps: (LevelMaps | null)[];
  readonly keepMaps: boolean;
}

/** A coarsest level needs at least this many usable source patches. */
const MIN_COARSE_SOURCES = 16;

/** EM iterations and PatchMatch sweeps per EM iteration: many where pixels are few, few at full resolution. */
export function iterationsAt(level: number, coarsest: number, guidedStart = false): { em: number; sweeps: number } {
  if (guidedStart) {
    // The guide seeds the coarsest level with its structure: refine rather than search from scratch.
    // Level 1 gets one EM iteration, like level 0: a second one cost ~15 % of a 24 MP detail pass's
    // patch comparisons and, in a paired eval (30 cases at 512 px, 9 at 1600 px, same seeds), bought
    // nothing (L1 and best-of-N slightly better without it, seam within noise).
    if (level === coarsest) return { em: 3, sweeps: 2 };
    if (level <= 1) return { em: 1, sweeps: 1 };
    return { em: 2, sweeps: 2 };
  }
  if (level === coarsest) return { em: 6, sweeps: 2 };
  if (level === 0) return { em: 1, sweeps: 1 };
  if (level === 1) return { em: 3, sweeps: 1 };
  return { em: 4, sweeps: 2 };
}

/** The deepest pyramid level a job uses: the hole a few patches across, or (guided) the guide's own detail scale. */
export function pyramidDepth(settings: SharedJobSettings): number {
  const byHole = Math.max(1, Math.ceil(Math.log2(Math.max(1, settings.inradius) / (2 * settings.patchSize))));
  if (settings.guideScale === undefined) return byHole;
  return Math.min(byHole, Math.max(1, Math.floor(Math.log2(Math.max(1, settings.guideScale)))));
}

export function fillJob(input: JobImages, settings: JobSettings, hooks: JobHooks): JobResult {
  const job = prepareJob(input, settings, false);
  return fillPreparedJob(job, input.guide, settings.seed, settings.guideWeight, hooks);
}

/**
 * `planes` holds the pyramid and the kept maps: SHARED_PLANES (with an input
 * in shared memory too) lets preparedJobData post the job to other workers
 * without a copy.
 */
export function prepareJob(input: Omit<JobImages, 'guide'>, settings: SharedJobSettings, keepMaps: boolean, planes: PlaneAllocator = HEAP_PLANES): PreparedJob {
  const levels = buildPyramid(input, settings, planes);
  const job: PreparedJob = {
    input,
    settings,
    levels,
    guidedStart: settings.guideScale !== undefined,
    holeCounts: levels.map((l) => countSet(l.hole)),
    maps: levels.map(() => null),
    keepMaps,
  };
  if (keepMaps) for (let l = 0; l < levels.length; l++) job.maps[l] = buildLevelMaps(job, l, planes);
  return job;
}

/** A job prepared with keepMaps, as plain data another worker can rebuild it from (preparedJobFromData). */
export interface PreparedJobData {
  readonly input: Omit<JobImages, 'guide'>;
  readonly settings: SharedJobSettings;
  readonly levels: readonly PyramidLevel[];
  readonly holeCounts: readonly number[];
  readonly maps: readonly { readonly targetDepth: Float32Array; readonly valid: Uint8Array; readonly sourcePrefix: Int32Array; readonly targets: TargetSet }[];
}

export function preparedJobData(job: PreparedJob): PreparedJobData {
  const maps = job.maps.map((m, l) => {
    if (!m) throw new Error(`prepared job has no maps for level ${l}: prepare it with keepMaps`);
    return { targetDepth: m.targetDepth, valid: m.valid, sourcePrefix: m.sources.prefix, targets: m.targets };
  });
  return { input: job.input, settings: job.settings, levels: job.levels, holeCounts: job.holeCounts, maps };
}

export function preparedJobFromData(data: PreparedJobData): PreparedJob {
  return {
    input: data.input,
    settings: data.settings,
    levels: data.levels,
    guidedStart: data.settings.guideScale !== undefined,
    holeCounts: data.holeCounts,
    maps: data.maps.map((m) => ({ targetDepth: m.targetDepth, valid: m.valid, sources: new ValidSources(m.valid, m.sourcePrefix), targets: m.targets })),
    keepMaps: true,
  };
}

function levelMaps(job: PreparedJob, l: number): LevelMaps {
  return job.maps[l] ?? buildLevelMaps(job, l, HEAP_PLANES);
}

function buildLevelMaps(job: PreparedJob, l: number, planes: PlaneAllocator): LevelMaps {
  const p = job.levels[l]!;
  const r = job.settings.patchSize >> 1;
  const valid = planes.uint8(p.width * p.height);
  markValidSourceCentres(p.blocked, p.width, p.height, r, valid);
  const targets = collectTargets(p.hole, p.width, p.height, r, planes);
  const targetDepth = targetDepths(p.hole, p.width, p.height, targets, planes);
  return { targetDepth, valid, sources: new ValidSources(valid, validSourcePrefix(valid, planes)), targets };
}

/**
 * One fill of a prepared job. The guide is crop-sized like the image (only
 * its hole pixels are read), the hole pixels' values alone, or null; the
 * job's shared data is not modified.
 */
export function fillPreparedJob(
  job: PreparedJob,
  guideInput: GuideInput | Uint8Array | null,
  seed: number,
  guideWeight: number,
  hooks: JobHooks,
): JobResult {
  const { input, levels, holeCounts, guidedStart } = job;
  const { channels } = input;
  const r = job.settings.patchSize >> 1;
  const rng = new Mulberry32(seed);
  const coarsest = levels.length - 1;
  const guides = guidePyramid(job, guideInput);
  const totalWork = holeCounts.reduce((sum, n, l) => {
    const { em, sweeps } = iterationsAt(l, coarsest, guidedStart);
    return sum + n * (em * (sweeps * 4 + 2) + 2);
  }, 0);
  let doneWork = 0;
  const advance = (level: number, units: number): void => {
    doneWork += holeCounts[level]! * units;
    hooks.onProgress?.(Math.min(1, doneWork / totalWork));
  };

  let field: NearestNeighbourField | null = null;
  let previousTargets: TargetSet | null = null;
  let previousImage: Uint8Array | null = null;
  let previousWidth = 0;
  let level: SearchLevel | null = null;
  let weights: Float64Array | null = null;
  for (let l = coarsest; l >= 0; l--) {
    hooks.checkpoint();
    const p = levels[l]!;
    const maps = levelMaps(job, l);
    const image = p.image.slice();
    const guide = guides ? guides[l]! : null;
    level = {
      width: p.width,
      height: p.height,
      channels,
      image,
      guide,
      guideWeight,
      guideSource: p.guideSource,
      texture: p.texture,
      hole: p.hole,
      targetDepth: maps.targetDepth,
      valid: maps.valid,
      sources: maps.sources,
      targets: maps.targets,
      r,
    };
    if (field === null || previousTargets === null || previousImage === null) {
      if (guide) copyHole(guide, image, p.hole, channels);
      else onionPeelFill(image, p.hole, p.width, p.height, channels);
      field = randomField(level, rng);
      refreshCosts(level, field);
    } else {
      upsampleHoleEstimate(previousImage, previousWidth, image, p.hole, p.width, p.height, channels);
      field = upsampleField(field, previousTargets, previousWidth, level, rng);
      refreshCosts(level, field);
      // Vote once with the carried-over field: sharp fine-level pixels replace the blocky upsampled estimate.
      weights = voteWeights(level, field, weights ?? undefined);
      voteHole(level, field, weights, image, image, 255);
      advance(l, 2);
    }
    const { em, sweeps } = iterationsAt(l, coarsest, guidedStart);
    const maxRadius = searchRadiusAt(l, coarsest, p.width, p.height, job.settings.patchSize);
    for (let e = 0; e < em; e++) {
      refreshCosts(level, field);
      for (let s = 0; s < sweeps; s++) {
        improveField(level, field, e * sweeps + s, maxRadius, rng, hooks.checkpoint);
        advance(l, 4);
      }
      hooks.checkpoint();
      weights = voteWeights(level, field, weights ?? undefined);
      voteHole(level, field, weights, image, image, 255);
      advance(l, 2);
    }
    previousTargets = level.targets;
    previousImage = image;
    previousWidth = p.width;
    if (guides) guides[l + 1] = null;
  }
  let holeValues16: Uint16Array | null = null;
  if (!level || !field || !weights) throw new Error('PatchMatch job has no pyramid level');
  const holeCount = holeCounts[0]!;
  if (input.values16) {
    const values16 = input.values16.slice();
    voteHole(level, field, weights, input.values16, values16, 65535);
    matchBoundaryOffset(level, field, weights, values16, 65535, job.settings.inradius, input.exclusion);
    holeValues16 = packHole(values16, input.hole, channels, new Uint16Array(holeCount * channels));
  }
  matchBoundaryOffset(level, field, weights, level.image as Uint8Array, 255, job.settings.inradius, input.exclusion);
  hooks.onProgress?.(1);
  return { holeValues: packHole(level.image as Uint8Array, input.hole, channels, new Uint8Array(holeCount * channels)), holeValues16 };
}

/**
 * The guide composite at every level, or null without a guide: the guide
 * inside the hole; outside it what the guide term compares with (the
 * low-passed image with a guideScale, else the image).
 */
function guidePyramid(job: PreparedJob, guideInput: GuideInput | Uint8Array | null): (Uint8Array | null)[] | null {
  if (!guideInput) return null;
  const { levels, input } = job;
  const { channels } = input;
  const base = (levels[0]!.guideSource ?? input.image).slice();
  if (guideInput instanceof Uint8Array) copyHole(guideInput, base, input.hole, channels);
  else unpackHoleValues(guideInput.holeValues, base, input.hole, channels, job.holeCounts[0]!);
  const out: (Uint8Array | null)[] = [base];
  for (let l = 1; l < levels.length; l++) {
    const f = levels[l - 1]!;
    out.push(downsampleImage(out[l - 1]!, f.width, f.height, channels));
  }
  return out;
}

/**
 * Random search radius: the whole crop at the coarsest level; finer levels
 * start from a field carried up from below, so a local search suffices there.
 */
export function searchRadiusAt(level: number, coarsest: number, width: number, height: number, patchSize: number): number {
  const whole = Math.max(width, height);
  return level === coarsest ? whole : Math.min(whole, 8 * patchSize);
}

function buildPyramid(input: Omit<JobImages, 'guide'>, settings: SharedJobSettings, planes: PlaneAllocator): PyramidLevel[] {
  const { width, height, channels } = input;
  const r = settings.patchSize >> 1;
  // Without an exclusion the blocked plane is the hole plane itself (shared, never written), level by level.
  let blocked = input.hole;
  if (input.exclusion) {
    blocked = planes.uint8(width * height);
    for (let i = 0; i < blocked.length; i++) blocked[i] = input.hole[i]! | input.exclusion[i]!;
  }
  // A guide with a scale is compared with the image low-passed to that scale; each coarser level halves it.
  const radius = settings.guideScale === undefined ? 0 : guideSourceRadius(settings.guideScale);
  const guideSource = radius > 0 ? maskedBoxMean(input.image, input.hole, width, height, channels, radius, planes) : null;
  const texture = settings.guideScale === undefined ? null : textureEnergy(input.image, input.hole, width, height, channels, planes);
  const levels: PyramidLevel[] = [{ width, height, image: input.image, hole: input.hole, blocked, guideSource, texture }];
  // Stop where the hole is about four patches across (inradius <= 2 patches),
  // or where a guide's own detail ends, but always build one coarser level:
  // structure settles best where pixels are few. The crop size and source
  // counts below may cut the pyramid short.
  const depth = pyramidDepth(settings);
  for (let l = 1; l <= depth; l++) {
    const f = levels[l - 1]!;
    const w2 = halfSize(f.width), h2 = halfSize(f.height);
    if (Math.min(w2, h2) < 3 * settings.patchSize) break;
    const hole = downsampleAny(f.hole, f.width, f.height, planes);
    levels.push({
      width: w2,
      height: h2,
      image: downsampleImage(f.image, f.width, f.height, channels, planes),
      hole,
      blocked: f.blocked === f.hole ? hole : downsampleAny(f.blocked, f.width, f.height, planes),
      guideSource: f.guideSource && downsampleImage(f.guideSource, f.width, f.height, channels, planes),
      texture: f.texture && downsampleImage(f.texture, f.width, f.height, 1, planes),
    });
  }
  // The texture term compares patch means of the energy: one box mean per level (the hole holds its boundary's energy).
  if (texture) {
    for (let l = 0; l < levels.length; l++) {
      const v = levels[l]!;
      levels[l] = { ...v, texture: maskedBoxMean(v.texture!, null, v.width, v.height, 1, r, planes) };
    }
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

function unpackHoleValues(packed: Uint8Array, to: Uint8Array, hole: Uint8Array, channels: number, holeCount: number): void {
  if (packed.length !== holeCount * channels) {
    throw new Error(`guide has values for ${packed.length / channels} hole pixels, the crop has ${holeCount}`);
  }
  for (let i = 0, k = 0; i < hole.length; i++) {
    if (hole[i] === 0) continue;
    for (let c = 0; c < channels; c++) to[i * channels + c] = packed[k++]!;
  }
}

/** The hole pixels' values of a crop-sized plane, in raster order (the inverse of unpackHoleValues). */
function packHole<T extends Uint8Array | Uint16Array>(from: T, hole: Uint8Array, channels: number, out: T): T {
  for (let i = 0, k = 0; i < hole.length; i++) {
    if (hole[i] === 0) continue;
    for (let c = 0; c < channels; c++) out[k++] = from[i * channels + c]!;
  }
  return out;
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
