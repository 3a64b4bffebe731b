/**
 * Benchmark input: assets/sample.jpg upscaled to the requested size when it
 * exists, otherwise a procedural photo-like scene (sky gradient, hills with
 * fractal texture, sensor grain) upscaled the same way. Deterministic.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { packageRoot } from '../../src/main/workers/paths';

export interface BenchImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly source: string;
}

export async function photoLikeImage(width: number, height: number): Promise<BenchImage> {
  const sample = path.join(packageRoot(), 'assets', 'sample.jpg');
  let base: sharp.Sharp;
  let source: string;
  if (existsSync(sample)) {
    base = sharp(sample).rotate();
    source = `assets/sample.jpg upscaled to ${width}x${height}`;
  } else {
    const w = Math.ceil(width / 4), h = Math.ceil(height / 4);
    base = sharp(proceduralScene(w, h), { raw: { width: w, height: h, channels: 3 } });
    source = `procedural scene (assets/sample.jpg not found) ${w}x${h} upscaled to ${width}x${height} plus grain`;
  }
  const { data } = await base
    .removeAlpha()
    .resize(width, height, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const pixels = new Uint8Array(data.buffer, data.byteOffset, data.length);
  addGrain(pixels, width, height);
  return { data: pixels, width, height, channels: 3, source };
}

function hash2(x: number, y: number, seed: number): number {
  let h = Math.imul(x, 0x27d4eb2d) ^ Math.imul(y, 0x165667b1) ^ Math.imul(seed, 0x9e3779b9);
  h = Math.imul(h ^ (h >>> 15), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

function valueNoise(x: number, y: number, seed: number): number {
  const xi = Math.floor(x), yi = Math.floor(y);
  const fx = x - xi, fy = y - yi;
  const sx = fx * fx * (3 - 2 * fx), sy = fy * fy * (3 - 2 * fy);
  const a = hash2(xi, yi, seed), b = hash2(xi + 1, yi, seed);
  const c = hash2(xi, yi + 1, seed), d = hash2(xi + 1, yi + 1, seed);
  return a + (b - a) * sx + (c - a) * sy + (a - b - c + d) * sx * sy;
}

function fbm(x: number, y: number, octaves: number, seed: number): number {
  let sum = 0, amp = 0.5, freq = 1;
  for (let o = 0; o < octaves; o++) {
    sum += amp * valueNoise(x * freq, y * freq, seed + o);
    amp *= 0.5;
    freq *= 2.03;
  }
  return sum;
}

function proceduralScene(width: number, height: number): Uint8Array {
  const data = new Uint8Array(width * height * 3);
  const put = (o: number, r: number, g: number, b: number): void => {
    data[o] = Math.max(0, Math.min(255, Math.round(r)));
    data[o + 1] = Math.max(0, Math.min(255, Math.round(g)));
    data[o + 2] = Math.max(0, Math.min(255, Math.round(b)));
  };
  for (let x = 0; x < width; x++) {
    const u = x / width;
    const farRidge = height * (0.42 + 0.12 * fbm(u * 4, 0.5, 5, 11));
    const nearRidge = height * (0.6 + 0.15 * fbm(u * 3, 7.5, 6, 23));
    for (let y = 0; y < height; y++) {
      const v = y / height;
      const o = (y * width + x) * 3;
      if (y < farRidge) {
        const cloud = Math.max(0, fbm(u * 6, v * 12, 6, 5) - 0.45) * 2.2;
        put(o, 95 + 90 * v + 150 * cloud, 140 + 70 * v + 110 * cloud, 215 + 20 * v + 30 * cloud);
      } else if (y < nearRidge) {
        const t = fbm(u * 40, v * 40, 6, 31);
        put(o, 70 + 60 * t, 90 + 50 * t, 110 + 30 * t);
      } else {
        const grass = fbm(u * 120, v * 60, 6, 47);
        const rocks = fbm(u * 18, v * 18, 4, 59) > 0.62 ? 1 : 0;
        if (rocks) put(o, 120 + 80 * grass, 112 + 70 * grass, 100 + 60 * grass);
        else put(o, 50 + 70 * grass, 95 + 90 * grass, 30 + 40 * grass);
      }
    }
  }
  return data;
}

/** Fine texture and grain at full resolution, so patches are not just smooth upscaled blobs. */
function addGrain(data: Uint8Array, width: number, height: number): void {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const n = (hash2(x, y, 97) - 0.5) * 10 + (valueNoise(x / 3, y / 3, 101) - 0.5) * 14;
      const o = (y * width + x) * 3;
      for (let c = 0; c < 3; c++) {
        const v = data[o + c]! + n;
        data[o + c] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
}
