/**
 * Semantic selection: "select all people / cars / …", click on an object,
 * drag a box around it. Detection runs NanoDet on the whole frame and, on
 * large photos, on overlapping tiles (small objects); each selected object is
 * then cut out at its own resolution: people by the person segmentation model
 * on the detection's crop, other classes by GrabCut seeded by the box, both
 * snapped to the photo's edges. Every object comes back as its own layer
 * (crop-sized mask + bounds), grown by a small margin; composeLayers() adds
 * them into one full-size mask.
 *
 * ONNX Runtime runs in the inference workers (inference/session.ts); the
 * CPU-heavy refinement (GrabCut, guided filter) runs in a refine worker when
 * the bundles are built, else in-process (refine-client.ts).
 */
import path from 'node:path';
import { growMask } from '../../shared/mask-ops';
import { StudioError } from '../../shared/errors';
import { packageRoot } from '../workers/paths';
import type { ExecutionProvider } from '../inference/protocol';
import type { Box, RgbImage } from './image';
import { boxContains, boxIou, checkRgb, clampBox, cropRgb, expandBox } from './image';
import { decodeDetections, defaultTileSize, letterboxTensor, nonMaxSuppression, planTiles, touchesInteriorEdge, type Detection } from './nanodet';
import { DETECTOR_ID, loadDetector, loadPersonSegmenter, PERSON_SEGMENTER_ID, type LoadedDetector, type LoadedPersonSegmenter } from './models';
import { personInputTensor, personProbabilityForCrop } from './person';
import { RefineRunner } from './refine-client';

export type { Detection } from './nanodet';

/** One selected object: a mask covering `bounds` (row-major, 0/255). */
export interface SelectionLayer {
  readonly label: string;
  readonly score: number | null;
  /** The detection or user box the layer came from. */
  readonly box: Box;
  readonly bounds: Box;
  readonly mask: Uint8Array;
  readonly method: 'person-model' | 'grabcut';
}

export interface DetectOptions {
  /** Minimum class score, 0..1 (default 0.35). */
  readonly minScore?: number;
  /** Tile side in source pixels; 0 disables tiling (default: about half the short side on photos over ~1,000 px). */
  readonly tileSize?: number;
}

export interface SelectOptions extends DetectOptions {
  /** Grow each object's mask by this many pixels (default: 0.3 % of the long side, at least 2 px). */
  readonly growPx?: number;
}

export interface EngineOptions {
  readonly modelsDir?: string;
  readonly providers?: readonly ExecutionProvider[];
  /** Run refinement in-process instead of in a worker (tests of the pure path). */
  readonly inProcessRefine?: boolean;
}

const NMS_IOU = 0.5;
const PERSON = 'person';

export function defaultGrowPx(width: number, height: number): number {
  return Math.max(2, Math.round(0.003 * Math.max(width, height)));
}

export class SegmentationEngine {
  private detector: Promise<LoadedDetector> | null = null;
  private segmenter: Promise<LoadedPersonSegmenter> | null = null;
  private readonly refiner: RefineRunner;
  /** Detections of the last images seen (same pixel buffer, same options): a click after "select all" does not detect again. */
  private readonly detectionCache = new WeakMap<Uint8Array, Map<string, Promise<Detection[]>>>();

  private constructor(private readonly modelsDir: string, private readonly providers: readonly ExecutionProvider[] | undefined, inProcessRefine: boolean) {
    this.refiner = new RefineRunner(inProcessRefine);
  }

  static create(options: EngineOptions = {}): SegmentationEngine {
    return new SegmentationEngine(options.modelsDir ?? path.join(packageRoot(), 'models'), options.providers, options.inProcessRefine ?? false);
  }

  private loadDetector(): Promise<LoadedDetector> {
    if (!this.detector) {
      this.detector = loadDetector(path.join(this.modelsDir, DETECTOR_ID), this.providers);
      this.detector.catch(() => { this.detector = null; });
    }
    return this.detector;
  }

  private loadSegmenter(): Promise<LoadedPersonSegmenter> {
    if (!this.segmenter) {
      this.segmenter = loadPersonSegmenter(path.join(this.modelsDir, PERSON_SEGMENTER_ID), this.providers);
      this.segmenter.catch(() => { this.segmenter = null; });
    }
    return this.segmenter;
  }

  /** The detector's class names, in class-id order. */
  async classNames(): Promise<readonly string[]> {
    return (await this.loadDetector()).spec.classes;
  }

  /** One pass of the detector over a region of the image (the whole frame or a tile). */
  private async detectRegion(det: LoadedDetector, image: RgbImage, region: Box, minScore: number): Promise<Detection[]> {
    const pixels = region.x === 0 && region.y === 0 && region.width === image.width && region.height === image.height ? image : cropRgb(image, region);
    const { tensor, letterbox } = letterboxTensor(pixels, det.spec);
    const names = det.spec.strides.flatMap((s) => [`cls_s${s}`, `reg_s${s}`]);
    const out = await det.session.run({ [det.manifest.input.name]: { type: 'float32', data: tensor, dims: [1, 3, det.spec.inputHeight, det.spec.inputWidth] } }, names);
    const outputs: Record<string, { data: Float32Array; dims: readonly number[] }> = {};
    for (const n of names) outputs[n] = { data: out[n]!.data as Float32Array, dims: out[n]!.dims };
    return decodeDetections(outputs, det.spec, letterbox, minScore, { x: region.x, y: region.y }, { width: region.width, height: region.height });
  }

  /**
   * Every object the detector finds, best first, boxes in image pixels.
   * Cached per pixel buffer and options (callers must not mutate the pixels of an image they query again).
   */
  async detectObjects(image: RgbImage, options: DetectOptions = {}): Promise<Detection[]> {
    checkRgb(image);
    const minScore = options.minScore ?? 0.35;
    if (!(minScore > 0 && minScore < 1)) throw new StudioError('BAD_REQUEST', `minScore must be between 0 and 1 (got ${minScore})`);
    const key = `${image.width}x${image.height}:${minScore}:${options.tileSize ?? 'auto'}`;
    let perImage = this.detectionCache.get(image.data);
    if (!perImage) { perImage = new Map(); this.detectionCache.set(image.data, perImage); }
    const cached = perImage.get(key);
    if (cached) return cached;
    const found = this.detectUncached(image, minScore, options.tileSize);
    perImage.set(key, found);
    found.catch(() => perImage.delete(key));
    return found;
  }

  private async detectUncached(image: RgbImage, minScore: number, tileSizeOption: number | undefined): Promise<Detection[]> {
    const det = await this.loadDetector();
    const all = await this.detectRegion(det, image, { x: 0, y: 0, width: image.width, height: image.height }, minScore);
    const tileSize = tileSizeOption ?? defaultTileSize(image.width, image.height, det.spec.inputWidth);
    if (tileSize > 0) {
      for (const tile of planTiles(image.width, image.height, tileSize)) {
        const found = await this.detectRegion(det, image, tile, minScore);
        const margin = Math.max(2, tile.width * 0.01);
        for (const d of found) if (!touchesInteriorEdge(d.box, tile, margin)) all.push(d);
      }
    }
    return nonMaxSuppression(all, NMS_IOU).map((d) => ({ ...d, box: roundBox(d.box) }));
  }

  /** The object inside one detection (or user box), as a layer. */
  async selectObject(image: RgbImage, box: Box, label: string, score: number | null, growPx: number): Promise<SelectionLayer> {
    checkRgb(image);
    const b = clampBox(box, image.width, image.height);
    const isPerson = label === PERSON;
    const raw = isPerson ? await this.segmentPerson(image, b) : await this.refiner.grabCutInBox(image, b);
    const grown = growLayer(raw.mask, raw.bounds, growPx, image.width, image.height);
    return { label, score, box: b, bounds: grown.bounds, mask: grown.mask, method: isPerson ? 'person-model' : 'grabcut' };
  }

  private async segmentPerson(image: RgbImage, box: Box): Promise<{ mask: Uint8Array; bounds: Box }> {
    const seg = await this.loadSegmenter();
    // Context around the box: the model needs to see where the person ends.
    const region = expandBox(box, 0.15, image.width, image.height, 4);
    const crop = cropRgb(image, region);
    const size = seg.manifest.input.width;
    const { tensor, pad } = personInputTensor(crop, size);
    const out = await seg.session.run({ [seg.manifest.input.name]: { type: 'float32', data: tensor, dims: [1, size, size, 3] } }, [seg.manifest.output.name]);
    const prob = out[seg.manifest.output.name]!.data as Float32Array;
    // Refine at the crop's resolution, capped at ~4 MP (the coarse map is 256 px; beyond that the guide adds little).
    const cap = Math.min(1, Math.sqrt(4e6 / (region.width * region.height)));
    const w = Math.max(1, Math.round(region.width * cap)), h = Math.max(1, Math.round(region.height * cap));
    const coarse = personProbabilityForCrop(prob, size, pad, region.width, region.height, Math.min(w, size * 2), Math.min(h, size * 2));
    const inner = { x: (box.x - region.x) / region.width, y: (box.y - region.y) / region.height, width: box.width / region.width, height: box.height / region.height };
    const mask = await this.refiner.refinePerson(crop, coarse, { width: w, height: h }, inner);
    return { mask, bounds: region };
  }

  /** "Select all: person / car / …": one layer per detection of the class. */
  async selectByClass(image: RgbImage, className: string, options: SelectOptions = {}): Promise<{ layers: SelectionLayer[]; detections: Detection[] }> {
    const classes = await this.classNames();
    if (!classes.includes(className)) throw new StudioError('BAD_REQUEST', `"${className}" is not a class the detector knows (${classes.join(', ')})`);
    const detections = (await this.detectObjects(image, options)).filter((d) => d.className === className);
    const grow = options.growPx ?? defaultGrowPx(image.width, image.height);
    const layers: SelectionLayer[] = [];
    for (const d of detections) layers.push(await this.selectObject(image, d.box, d.className, d.score, grow));
    return { layers, detections };
  }

  /**
   * Click-to-select: the smallest detection under the point whose cut-out
   * contains it; if none does, GrabCut in a box around the point.
   */
  async selectAtPoint(image: RgbImage, x: number, y: number, options: SelectOptions = {}): Promise<SelectionLayer> {
    checkRgb(image);
    if (!(x >= 0 && y >= 0 && x < image.width && y < image.height)) throw new StudioError('BAD_REQUEST', `point ${x},${y} lies outside the ${image.width}x${image.height} image`);
    const grow = options.growPx ?? defaultGrowPx(image.width, image.height);
    const hits = (await this.detectObjects(image, options)).filter((d) => boxContains(d.box, x, y)).sort((a, b) => a.box.width * a.box.height - b.box.width * b.box.height);
    for (const d of hits.slice(0, 4)) {
      const layer = await this.selectObject(image, d.box, d.className, d.score, 0);
      if (layerContains(layer, x, y)) return grow > 0 ? { ...layer, ...growLayer(layer.mask, layer.bounds, grow, image.width, image.height) } : layer;
    }
    // Nothing detected there: a box around the click, a fifth of the short side.
    const side = Math.max(16, Math.round(Math.min(image.width, image.height) / 5));
    const box = clampBox({ x: x - side / 2, y: y - side / 2, width: side, height: side }, image.width, image.height);
    return this.selectObject(image, box, 'object', null, grow);
  }

  /**
   * Drag-a-box: a person detection that matches the box is cut out with the
   * person model; anything else by GrabCut in the box.
   */
  async selectInBox(image: RgbImage, box: Box, options: SelectOptions = {}): Promise<SelectionLayer> {
    checkRgb(image);
    const b = clampBox(box, image.width, image.height);
    if (b.width < 3 || b.height < 3) throw new StudioError('BAD_REQUEST', `box ${b.width}x${b.height} is too small to select in`);
    const grow = options.growPx ?? defaultGrowPx(image.width, image.height);
    const best = (await this.detectObjects(image, options))
      .map((d) => ({ d, iou: boxIou(d.box, b) }))
      .filter((c) => c.iou >= 0.5)
      .sort((p, q) => q.iou - p.iou)[0];
    if (best && best.d.className === PERSON) return this.selectObject(image, b, PERSON, best.d.score, grow);
    return this.selectObject(image, b, best?.d.className ?? 'object', best?.d.score ?? null, grow);
  }

  async close(): Promise<void> {
    const d = this.detector, s = this.segmenter;
    this.detector = null;
    this.segmenter = null;
    await Promise.all([
      d?.then((m) => m.session.close()).catch(() => undefined),
      s?.then((m) => m.session.close()).catch(() => undefined),
      this.refiner.close(),
    ]);
  }
}

function roundBox(b: Box): Box {
  const x = Math.round(b.x), y = Math.round(b.y);
  return { x, y, width: Math.max(1, Math.round(b.x + b.width) - x), height: Math.max(1, Math.round(b.y + b.height) - y) };
}

function layerContains(layer: SelectionLayer, x: number, y: number): boolean {
  const lx = Math.floor(x) - layer.bounds.x, ly = Math.floor(y) - layer.bounds.y;
  if (lx < 0 || ly < 0 || lx >= layer.bounds.width || ly >= layer.bounds.height) return false;
  return layer.mask[ly * layer.bounds.width + lx]! > 127;
}

/** Grows a crop mask by `px`, enlarging its bounds so the margin is not cut off (shared growMask on the crop only). */
export function growLayer(mask: Uint8Array, bounds: Box, px: number, imageW: number, imageH: number): { mask: Uint8Array; bounds: Box } {
  if (px <= 0) return { mask, bounds };
  const nb = clampBox({ x: bounds.x - px, y: bounds.y - px, width: bounds.width + 2 * px, height: bounds.height + 2 * px }, imageW, imageH);
  const padded = new Uint8Array(nb.width * nb.height);
  for (let y = 0; y < bounds.height; y++) {
    padded.set(mask.subarray(y * bounds.width, (y + 1) * bounds.width), (y + bounds.y - nb.y) * nb.width + (bounds.x - nb.x));
  }
  return { mask: growMask(padded, nb.width, nb.height, px), bounds: nb };
}

/** Adds (or, with `subtract`, removes) layers into a full-size mask; returns a new mask. */
export function composeLayers(layers: readonly { bounds: Box; mask: Uint8Array }[], width: number, height: number, base?: Uint8Array, subtract = false): Uint8Array {
  const out = base ? Uint8Array.from(base) : new Uint8Array(width * height);
  if (out.length !== width * height) throw new StudioError('MASK_SIZE_MISMATCH', `the mask holds ${out.length} pixels; the image has ${width * height}`);
  for (const l of layers) {
    for (let y = 0; y < l.bounds.height; y++) {
      const row = (l.bounds.y + y) * width + l.bounds.x;
      for (let x = 0; x < l.bounds.width; x++) {
        if (l.mask[y * l.bounds.width + x]! > 127) out[row + x] = subtract ? 0 : 255;
      }
    }
  }
  return out;
}
