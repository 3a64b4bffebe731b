/**
 * NanoDet (GFL head) pre- and post-processing, pure: letterbox into the
 * network's square input, decode the per-stride class scores and box
 * distributions, class-aware non-maximum suppression, and the tile plan
 * that lets small objects in a 24 MP photo reach the 416 px network at a
 * usable size.
 *
 * Output tensors per stride s (feature map f = size / s):
 *   cls_s{s}: [1, f*f, 80]  sigmoid class scores
 *   reg_s{s}: [1, f*f, 4*(regMax+1)]  logits of the distance distributions
 *             (left, top, right, bottom), each in bins of `s` pixels.
 */
import type { Box, RgbImage } from './image';
import { boxIou, resizeRgb } from './image';

export interface DetectorSpec {
  readonly inputWidth: number;
  readonly inputHeight: number;
  /** Per input channel in network order (BGR for NanoDet). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly channelOrder: 'RGB' | 'BGR';
  readonly strides: readonly number[];
  readonly regMax: number;
  readonly centerOffset: number;
  readonly classes: readonly string[];
}

export interface Detection {
  readonly classId: number;
  readonly className: string;
  readonly score: number;
  /** In source-image pixels. */
  readonly box: Box;
}

/** Where the letterboxed content sits inside the network input. */
export interface Letterbox {
  readonly scale: number;
  readonly padX: number;
  readonly padY: number;
}

/** Grey used for letterbox padding (the value NanoDet's training pipeline pads with is irrelevant to a sigmoid head; mid-grey keeps the padding neutral). */
const PAD_VALUE = 114;

/**
 * The image scaled to fit the network input (aspect kept), centred, as a
 * normalised NCHW float tensor [1, 3, H, W].
 */
export function letterboxTensor(image: RgbImage, spec: DetectorSpec): { tensor: Float32Array; letterbox: Letterbox } {
  const W = spec.inputWidth, H = spec.inputHeight;
  const scale = Math.min(W / image.width, H / image.height);
  const w = Math.max(1, Math.round(image.width * scale));
  const h = Math.max(1, Math.round(image.height * scale));
  const padX = Math.floor((W - w) / 2), padY = Math.floor((H - h) / 2);
  const small = resizeRgb(image, w, h);
  const tensor = new Float32Array(3 * W * H);
  const plane = W * H;
  for (let c = 0; c < 3; c++) {
    const src = spec.channelOrder === 'BGR' ? 2 - c : c;
    const m = spec.mean[c]!, s = spec.std[c]!;
    const padded = (PAD_VALUE - m) / s;
    tensor.fill(padded, c * plane, (c + 1) * plane);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        tensor[c * plane + (y + padY) * W + x + padX] = (small.data[(y * w + x) * 3 + src]! - m) / s;
      }
    }
  }
  return { tensor, letterbox: { scale: w / image.width, padX, padY } };
}

/** Expected value of a softmax distribution over bins 0..regMax. */
function distributionMean(logits: Float32Array, offset: number, bins: number): number {
  let max = -Infinity;
  for (let b = 0; b < bins; b++) max = Math.max(max, logits[offset + b]!);
  let z = 0, e = 0;
  for (let b = 0; b < bins; b++) {
    const p = Math.exp(logits[offset + b]! - max);
    z += p;
    e += p * b;
  }
  return e / z;
}

/**
 * Candidates above `minScore` (every class above it at a location, as in
 * NanoDet's multi-class NMS), boxes mapped back to source pixels through the
 * letterbox and offset by `origin` (the tile's corner).
 */
export function decodeDetections(
  outputs: Readonly<Record<string, { data: Float32Array; dims: readonly number[] }>>,
  spec: DetectorSpec,
  letterbox: Letterbox,
  minScore: number,
  origin: { x: number; y: number } = { x: 0, y: 0 },
  clip: { width: number; height: number } | null = null,
): Detection[] {
  const out: Detection[] = [];
  const bins = spec.regMax + 1;
  const nc = spec.classes.length;
  for (const s of spec.strides) {
    const cls = outputs[`cls_s${s}`];
    const reg = outputs[`reg_s${s}`];
    if (!cls || !reg) throw new Error(`detector outputs for stride ${s} are missing`);
    const fw = Math.ceil(spec.inputWidth / s);
    const fh = Math.ceil(spec.inputHeight / s);
    if (cls.dims[1] !== fw * fh || cls.dims[2] !== nc) throw new Error(`cls_s${s} has shape [${cls.dims.join(', ')}]; [1, ${fw * fh}, ${nc}] expected`);
    if (reg.dims[1] !== fw * fh || reg.dims[2] !== 4 * bins) throw new Error(`reg_s${s} has shape [${reg.dims.join(', ')}]; [1, ${fw * fh}, ${4 * bins}] expected`);
    for (let i = 0; i < fw * fh; i++) {
      let any = false;
      for (let c = 0; c < nc; c++) if (cls.data[i * nc + c]! >= minScore) { any = true; break; }
      if (!any) continue;
      const cx = ((i % fw) + spec.centerOffset) * s;
      const cy = (Math.floor(i / fw) + spec.centerOffset) * s;
      const base = i * 4 * bins;
      const l = distributionMean(reg.data, base, bins) * s;
      const t = distributionMean(reg.data, base + bins, bins) * s;
      const r = distributionMean(reg.data, base + 2 * bins, bins) * s;
      const b = distributionMean(reg.data, base + 3 * bins, bins) * s;
      let x0 = (cx - l - letterbox.padX) / letterbox.scale + origin.x;
      let y0 = (cy - t - letterbox.padY) / letterbox.scale + origin.y;
      let x1 = (cx + r - letterbox.padX) / letterbox.scale + origin.x;
      let y1 = (cy + b - letterbox.padY) / letterbox.scale + origin.y;
      if (clip) {
        x0 = Math.max(origin.x, x0); y0 = Math.max(origin.y, y0);
        x1 = Math.min(origin.x + clip.width, x1); y1 = Math.min(origin.y + clip.height, y1);
      }
      if (x1 - x0 < 1 || y1 - y0 < 1) continue;
      for (let c = 0; c < nc; c++) {
        const score = cls.data[i * nc + c]!;
        if (score < minScore) continue;
        out.push({ classId: c, className: spec.classes[c]!, score, box: { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } });
      }
    }
  }
  return out;
}

/** Greedy class-aware NMS, highest score first. */
export function nonMaxSuppression(dets: readonly Detection[], iouThreshold: number, maxDetections = 100): Detection[] {
  const sorted = [...dets].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) {
    if (kept.length >= maxDetections) break;
    if (kept.some((k) => k.classId === d.classId && boxIou(k.box, d.box) > iouThreshold)) continue;
    kept.push(d);
  }
  return kept;
}

export interface Tile extends Box {
  /** Sides of this tile that lie inside the image (not on its border). */
  readonly interior: { readonly left: boolean; readonly top: boolean; readonly right: boolean; readonly bottom: boolean };
}

/**
 * Tiles for a large photo: squares of `tileSize` px overlapping by
 * `overlap` of their size, covering the image. The full-frame pass (done
 * separately) finds objects larger than a tile; tiles find the small ones.
 * Returns [] when the image is small enough for one pass.
 */
export function planTiles(width: number, height: number, tileSize: number, overlap = 0.25): Tile[] {
  if (Math.max(width, height) <= tileSize * 1.25) return [];
  const size = Math.min(tileSize, Math.max(width, height));
  const step = Math.max(1, Math.floor(size * (1 - overlap)));
  const starts = (len: number, sz: number): number[] => {
    if (len <= sz) return [0];
    const n = Math.ceil((len - sz) / step) + 1;
    return Array.from({ length: n }, (_, i) => Math.round((i * (len - sz)) / (n - 1)));
  };
  const tw = Math.min(size, width), th = Math.min(size, height);
  const tiles: Tile[] = [];
  for (const y of starts(height, th)) {
    for (const x of starts(width, tw)) {
      tiles.push({ x, y, width: tw, height: th, interior: { left: x > 0, top: y > 0, right: x + tw < width, bottom: y + th < height } });
    }
  }
  return tiles;
}

/** True when a detection found in `tile` is cut by one of its interior edges (a neighbouring tile or the full frame sees it whole). */
export function touchesInteriorEdge(box: Box, tile: Tile, marginPx: number): boolean {
  return (tile.interior.left && box.x <= tile.x + marginPx)
    || (tile.interior.top && box.y <= tile.y + marginPx)
    || (tile.interior.right && box.x + box.width >= tile.x + tile.width - marginPx)
    || (tile.interior.bottom && box.y + box.height >= tile.y + tile.height - marginPx);
}

/** Default tile side for a photo: about half its short side, never below two network inputs. */
export function defaultTileSize(width: number, height: number, inputSize: number): number {
  return Math.max(2 * inputSize, Math.round(Math.min(width, height) / 2));
}
